// A file dropped on the page goes by its format: a network file to the network section's
// opener (not to the main Import, which would say "format must be convsweep-state"), anything
// else to the main Import; the format is read from the file's first bytes only.
import { expect, test } from "vitest";
import {
  FORMAT_PREFIX_BYTES,
  fileFormat,
  formatInPrefix,
  openDroppedFile,
  provideFileOpener,
  SECTION_OF_FORMAT,
} from "../../../src/app/fileDrop";
import { NETWORK_FORMAT } from "../../../src/state/network/file";

test("the network section's format is the one its files carry", () => {
  expect(SECTION_OF_FORMAT[NETWORK_FORMAT]).toBe("network");
});

test("the format is read from the start of the text", () => {
  expect(formatInPrefix('{\n  "format": "convsweep-network",\n  "version": 2')).toBe(
    "convsweep-network",
  );
  expect(formatInPrefix('{"format":"convsweep-state","version":1}')).toBe("convsweep-state");
  expect(formatInPrefix('{"version": 1}')).toBeNull();
  expect(formatInPrefix("not json")).toBeNull();
  expect(formatInPrefix(`{"format": "${"x".repeat(200)}"}`)).toBeNull();
});

test("only the first bytes of a file are read for its format", async () => {
  const late = `{"data": "${" ".repeat(FORMAT_PREFIX_BYTES)}", "format": "convsweep-network"}`;
  expect(await fileFormat(new Blob([late]))).toBeNull();
  const big = `{"format": "convsweep-network", "params": [${"0,".repeat(1_000_000)}0]}`;
  expect(await fileFormat(new Blob([big]))).toBe("convsweep-network");
});

test("a network file goes to the network section, anything else to the main Import", async () => {
  const opened: string[] = [];
  const stop = provideFileOpener(NETWORK_FORMAT, (file: File) =>
    opened.push(`network ${file.name}`),
  );
  const openState = async (file: File) => {
    opened.push(`state ${file.name}`);
  };
  const network = new File([`{"format": "${NETWORK_FORMAT}", "version": 2}`], "net.json");
  const state = new File(['{"format": "convsweep-state", "version": 1}'], "state.json");
  const junk = new File(["not a state"], "junk.txt");
  await openDroppedFile(network, openState);
  await openDroppedFile(state, openState);
  await openDroppedFile(junk, openState);
  expect(opened).toEqual(["network net.json", "state state.json", "state junk.txt"]);
  stop();
});
