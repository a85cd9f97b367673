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

/** Applies a choice to the page (CSS reads data-theme) and remembers it when storage allows. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", choice);
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage may be full or blocked; the theme still applies for this visit.
  }
}
