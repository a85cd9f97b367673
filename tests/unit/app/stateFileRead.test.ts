// A state file that cannot be read once picked (changed, moved or its permission gone, which
// a browser reports as NotReadableError) gets the Import's message and changes nothing; it
// used to be an unhandled rejection, with no message at all.
import { expect, test } from "vitest";
import { openStateFile } from "../../../src/app/StateFileButtons";
import { appStore } from "../../../src/state/store";

class UnreadableFile extends File {
  override text(): Promise<string> {
    return Promise.reject(
      new DOMException("The requested file could not be read.", "NotReadableError"),
    );
  }
}

test("a picked state file that can no longer be read is refused with a message", async () => {
  const before = appStore.getState();
  await openStateFile(new UnreadableFile(["{}"], "gone.json"));
  const after = appStore.getState();
  expect(after.notice?.kind).toBe("error");
  expect(after.notice?.text).toBe(
    "Import failed, nothing was changed. gone.json could not be read: The requested file could not be read.",
  );
  expect(after.image).toBe(before.image);
  expect(after.kernel).toBe(before.kernel);
  expect(after.position).toBe(before.position);
});
