import { errorText } from "../engine/index";
import { setNotice } from "../state/commit";

async function save(kind: "svg" | "png"): Promise<void> {
  const figure = document.getElementById("figure");
  if (figure === null) return;
  try {
    // The picture code is fetched on the first click: most visits never save a figure.
    const { saveElementPng, saveElementSvg } = await import("../viz/exportImage");
    if (kind === "svg") saveElementSvg(figure, "convsweep-figure");
    else await saveElementPng(figure, "convsweep-figure");
  } catch (error) {
    setNotice({
      kind: "error",
      text: `The figure could not be saved: ${errorText(error)}`,
    });
  }
}

/** Saves the main panels as one figure for slides: SVG, or PNG at 2x. */
export function FigureButtons() {
  return (
    <>
      <button
        type="button"
        onClick={() => void save("svg")}
        title="Save the main panels as one SVG figure"
      >
        Figure SVG
      </button>
      <button
        type="button"
        onClick={() => void save("png")}
        title="Save the main panels as one PNG figure (2x)"
      >
        Figure PNG
      </button>
    </>
  );
}
