import { errorText } from "../engine/index";
import { get, setNotice } from "./commit";
import { setImage } from "./problem";

/**
 * Opens an image file as the input: decoded off the main thread, centre-cropped and scaled to
 * the image's size, in grayscale (imageFile.ts, fetched on first use). On any problem the
 * message says why and the image stays as it was.
 */
export async function openImageFile(file: File): Promise<void> {
  const { height, width } = get().image;
  try {
    const { imageFileToGrid } = await import("./imageFile");
    const grid = await imageFileToGrid(file, height, width);
    setImage(grid);
    setNotice({
      kind: "info",
      text: `Opened ${file.name} as a ${grid.height}x${grid.width} grayscale image.`,
    });
  } catch (error) {
    setNotice({
      kind: "error",
      text: `Could not open ${file.name}: ${errorText(error)} The image was not changed.`,
    });
  }
}
