/** The colour theme: follow the system, or a fixed choice the person made. */
export type ThemeChoice = "system" | "light" | "dark";

const KEY = "convsweep-theme";

/** The saved choice; "system" when none is saved or storage is unavailable. */
export function savedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

const systemDark = () => window.matchMedia?.("(prefers-color-scheme: dark)");
let following: MediaQueryList | null = null;

function setThemeAttribute(theme: "light" | "dark"): void {
  document.documentElement.setAttribute("data-theme", theme);
}

function followSystem(event: MediaQueryListEvent): void {
  setThemeAttribute(event.matches ? "dark" : "light");
}

/**
 * Applies a choice to the page (CSS reads data-theme: "light" or "dark"; "system" follows the
 * system's setting as it changes) and remembers it when storage allows.
 */
export function applyTheme(choice: ThemeChoice): void {
  following?.removeEventListener("change", followSystem);
  following = null;
  if (choice === "system") {
    const query = systemDark();
    setThemeAttribute(query?.matches ? "dark" : "light");
    query?.addEventListener("change", followSystem);
    following = query ?? null;
  } else {
    setThemeAttribute(choice);
  }
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage may be full or blocked; the theme still applies for this visit.
  }
}
