/**
 * The sections of the long page, for the table of contents, deep links (`#view=untied`, beside
 * `state=…` in the same fragment) and embedding (`#embed=figure`).
 */
export interface Section {
  /** The element id on the page (a panel's id). */
  id: string;
  /** What the contents list calls it. */
  title: string;
  /** True for the "next questions" views, which load after the main figure. */
  later: boolean;
}

export const SECTIONS: readonly Section[] = [
  { id: "figure", title: "The sweep", later: false },
  { id: "training", title: "Training", later: false },
  { id: "formula", title: "The formula, live", later: true },
  { id: "weight-maps", title: "Where each weight's gradient comes from", later: true },
  { id: "gradient-check", title: "The gradient check", later: true },
  { id: "reduction", title: "Sum or mean", later: true },
  { id: "options", title: "Stride, padding, dilation", later: true },
  { id: "batch", title: "A batch", later: true },
  { id: "untied", title: "Without weight sharing", later: true },
  { id: "recurrent", title: "Weight sharing in time", later: true },
  { id: "network", title: "Inside a real network", later: true },
];

/** The section of an id, or null when there is none by that id. */
export function sectionOf(id: string | null): Section | null {
  return SECTIONS.find((s) => s.id === id) ?? null;
}

/** A parameter of the URL fragment ("#view=untied&state=…"); null when absent. */
export function fragmentParam(fragment: string, key: "view" | "embed" | "state"): string | null {
  return new URLSearchParams(fragment.replace(/^#/, "")).get(key);
}

/** The fragment opens the real network's section: a deep link (`#view=network`) or an embed. */
export function networkOpened(hash: string): boolean {
  return fragmentParam(hash, "view") === "network" || fragmentParam(hash, "embed") === "network";
}

/** The fragment with `key` set to `value` (null removes it), other parameters kept. */
export function withParam(fragment: string, key: "view" | "embed", value: string | null): string {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  if (value === null) params.delete(key);
  else params.set(key, value);
  // The section first, so a link reads "#view=untied&state=…".
  const ordered = new URLSearchParams();
  for (const k of ["embed", "view"]) {
    const v = params.get(k);
    if (v !== null) ordered.set(k, v);
  }
  for (const [k, v] of params) if (k !== "embed" && k !== "view") ordered.set(k, v);
  return ordered.toString();
}

/** Asks the "next questions" views to load now (LazyViews listens). */
export const LOAD_VIEWS_EVENT = "convsweep:load-views";

/**
 * Scrolls to a section and moves focus to its heading, loading the views first when it is
 * one of them (waiting up to 10 s for them to appear).
 */
export async function goToSection(section: Section): Promise<void> {
  opened = section;
  if (section.later) window.dispatchEvent(new Event(LOAD_VIEWS_EVENT));
  const deadline = performance.now() + 10_000;
  let el = document.getElementById(section.id);
  while (el === null && performance.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
    el = document.getElementById(section.id);
  }
  if (el === null) return;
  el.scrollIntoView({ block: "start" });
  const heading = el.querySelector<HTMLElement>("h2") ?? el;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

/** The section last opened from the contents or a deep link (null: the top of the page). */
let opened: Section | null = null;

/**
 * The id of the section a link or an embed should show: the one last opened from the
 * contents or a deep link (the header's buttons are at the top of the page, so where the page
 * is scrolled when they are pressed says nothing); null for the main figure.
 */
export function viewedSection(): string | null {
  return opened === null || opened.id === "figure" ? null : opened.id;
}

/** The <iframe> snippet that embeds a section of ConvSweep, with this state, in a course page. */
export function embedSnippet(url: string, title: string): string {
  const attribute = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<iframe src="${attribute(url)}" title="${attribute(title)}" width="100%" height="640" style="border: 0" loading="lazy"></iframe>`;
}
