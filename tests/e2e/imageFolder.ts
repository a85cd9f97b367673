// A folder of generated colour images for the tests of Your images: one subfolder per class,
// PNGs of a size that is not the network's (so they are cropped and scaled), each class a
// colour with seeded noise, so that a small network learns them well above chance.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePng } from "../../src/images/png";

/** The classes written and each one's mean colour. */
export const FOLDER_CLASSES = { blue: [40, 60, 200], red: [210, 50, 40] } as const;

/** Writes `perClass` images of each class under `root`/<class>/, and a file that is not one. */
export function writeImageFolder(root: string, perClass = 30, height = 36, width = 44): string {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (const [name, colour] of Object.entries(FOLDER_CLASSES)) {
    const folder = join(root, name);
    mkdirSync(folder, { recursive: true });
    for (let n = 0; n < perClass; n++) {
      const pixels = new Uint8Array(3 * height * width);
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < height * width; i++) {
          const v = (colour[c] as number) + (random() - 0.5) * 120;
          pixels[c * height * width + i] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
      writeFileSync(
        join(folder, `${String(n).padStart(3, "0")}.png`),
        encodePng(pixels, { channels: 3, height, width }),
      );
    }
  }
  writeFileSync(join(root, "red", "notes.txt"), "not an image");
  return root;
}
