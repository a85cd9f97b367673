import { downloadBlob } from "./download";

/**
 * Pictures of the page for slides: an element becomes a self-contained SVG (its DOM in a
 * foreignObject, with the page's styles and theme colours inlined and each canvas turned into
 * an image), and that SVG becomes a PNG at any scale. Nothing is fetched.
 */

const XHTML = "http://www.w3.org/1999/xhtml";

function pageCss(): string {
  let css = "";
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) css += `${rule.cssText}\n`;
    } catch {
      // A stylesheet of another origin cannot be read; the app ships none.
    }
  }
  return css;
}

/** The theme's custom properties as they resolve now, so the picture keeps its colours. */
function themeVariables(): string {
  const style = getComputedStyle(document.documentElement);
  const out: string[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue;
    }
    for (const rule of Array.from(rules)) {
      const text = rule.cssText;
      for (const m of text.matchAll(/(--[\w-]+)\s*:/g)) {
        const name = m[1] as string;
        if (!out.some((d) => d.startsWith(`${name}:`)))
          out.push(`${name}: ${style.getPropertyValue(name).trim()}`);
      }
    }
  }
  return out.join("; ");
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The element as standalone SVG text, `width` × `height` CSS pixels. */
export function elementToSvg(el: HTMLElement): { svg: string; width: number; height: number } {
  const box = el.getBoundingClientRect();
  const width = Math.ceil(box.width);
  const height = Math.ceil(box.height);
  const clone = el.cloneNode(true) as HTMLElement;
  const sources = el.querySelectorAll("canvas");
  clone.querySelectorAll("canvas").forEach((canvas, i) => {
    const source = sources[i];
    if (!source) return;
    const img = document.createElement("img");
    img.src = source.toDataURL("image/png");
    // Grids of cells are scaled up pixelated; a canvas drawn at the display's resolution
    // (data-smooth: numbers as text) is scaled smoothly.
    const rendering = source.hasAttribute("data-smooth") ? "auto" : "pixelated";
    img.setAttribute(
      "style",
      `${source.getAttribute("style") ?? ""}; image-rendering: ${rendering}; display: block`,
    );
    img.alt = source.getAttribute("aria-label") ?? "";
    canvas.replaceWith(img);
  });
  // Buttons that only make pictures have no place in one.
  clone.querySelectorAll("[data-no-export]").forEach((n) => {
    n.remove();
  });
  // Form values live in properties, not attributes: copy them so the picture shows them.
  const inputs = el.querySelectorAll("input, select");
  clone.querySelectorAll("input, select").forEach((node, i) => {
    const source = inputs[i] as HTMLInputElement | HTMLSelectElement | undefined;
    if (!source) return;
    if (node instanceof HTMLSelectElement) {
      for (const option of Array.from(node.options))
        option.toggleAttribute("selected", option.value === source.value);
    } else if (node instanceof HTMLInputElement) {
      node.setAttribute("value", source.value);
      if ((source as HTMLInputElement).checked) node.setAttribute("checked", "");
    }
  });
  const body = new XMLSerializer().serializeToString(clone);
  const background = getComputedStyle(document.documentElement).backgroundColor;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<foreignObject x="0" y="0" width="${width}" height="${height}">` +
    `<div xmlns="${XHTML}" style="${escapeXml(`${themeVariables()}; background: ${background}; color: var(--ink); font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.45; width: ${width}px; height: ${height}px`)}">` +
    `<style>${escapeXml(pageCss())}</style>${body}</div></foreignObject></svg>`;
  return { svg, width, height };
}

/** The SVG drawn into a canvas at `scale` (2 for crisp slides) and encoded as PNG. */
export async function svgToPng(
  svg: string,
  width: number,
  height: number,
  scale = 2,
): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("this browser cannot draw the picture");
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the picture could not be encoded"))),
      "image/png",
    );
  });
}

/** Saves an element as a 2x PNG named `name`.png. */
export async function saveElementPng(el: HTMLElement, name: string): Promise<void> {
  const { svg, width, height } = elementToSvg(el);
  downloadBlob(await svgToPng(svg, width, height, 2), `${name}.png`);
}

/** Saves an element as `name`.svg. */
export function saveElementSvg(el: HTMLElement, name: string): void {
  const { svg } = elementToSvg(el);
  downloadBlob(new Blob([svg], { type: "image/svg+xml" }), `${name}.svg`);
}
