import { describe, expect, test } from "vitest";
import { fragmentParam } from "../../../src/app/sections/sections";
import { createGrid } from "../../../src/engine/index";
import { presetFilter, randomFilter } from "../../../src/state/filters";
import { presetImage } from "../../../src/state/images";
import { decodeLink, encodeLink, LinkError } from "../../../src/state/link";
import type { LinkedState } from "../../../src/state/stateFile";
import { makeTarget } from "../../../src/state/store";

function sample(withFilter: boolean): LinkedState {
  const image = presetImage("noise", 32, 32, 11);
  const options = { stride: 2, padding: 1, dilation: 1 };
  const targetKernel = presetFilter("sharpen");
  return {
    image,
    kernel: randomFilter(5),
    bias: -0.1234567890123,
    target: makeTarget(image, targetKernel, options),
    targetKernel: withFilter ? targetKernel : null,
    options,
    reduction: "mean",
    learningRate: 0.0123,
    updates: 17,
    position: 99,
  };
}

function expectSame(a: LinkedState, b: LinkedState) {
  expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
  expect(Array.from(a.kernel.data)).toEqual(Array.from(b.kernel.data));
  expect(Array.from(a.target.data)).toEqual(Array.from(b.target.data));
  expect(a.targetKernel === null ? null : Array.from(a.targetKernel.data)).toEqual(
    b.targetKernel === null ? null : Array.from(b.targetKernel.data),
  );
  expect([a.bias, a.options, a.reduction, a.learningRate, a.updates, a.position]).toEqual([
    b.bias,
    b.options,
    b.reduction,
    b.learningRate,
    b.updates,
    b.position,
  ]);
}

describe("shareable links", () => {
  test.each([true, false])(
    "a link restores the state exactly (target filter: %s)",
    async (withFilter) => {
      const state = sample(withFilter);
      const fragment = await encodeLink(state);
      expect(fragment).toMatch(/^state=[A-Za-z0-9_-]+$/);
      const value = fragmentParam(`#${fragment}`, "state");
      expect(value).not.toBeNull();
      expectSame(await decodeLink(value ?? ""), state);
    },
  );

  test("a drawn 0/1 image makes a short link", async () => {
    const state = { ...sample(true), image: presetImage("checkerboard") };
    state.target = makeTarget(state.image, state.targetKernel ?? createGrid(3, 3), state.options);
    expect((await encodeLink(state)).length).toBeLessThan(600);
  });

  test("garbled, truncated and hostile links are refused with a reason", async () => {
    const good = (await encodeLink(sample(true))).slice("state=".length);
    const bad = [
      good.slice(0, good.length / 2),
      `${good.slice(0, 10)}!!${good.slice(12)}`,
      "<script>alert(1)</script>",
      "AAAA",
      "",
    ];
    for (const value of bad) {
      await expect(decodeLink(value)).rejects.toBeInstanceOf(LinkError);
    }
  });

  test("a link that unpacks to a huge document is refused without building it", async () => {
    const huge = new TextEncoder().encode(
      `{"format":"convsweep-state","pad":"${"0".repeat(6 * 1024 * 1024)}"}`,
    );
    const packed = new Uint8Array(
      await new Response(
        new Blob([huge]).stream().pipeThrough(new CompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    let binary = "";
    for (const b of packed) binary += String.fromCharCode(b);
    const value = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expect(decodeLink(value)).rejects.toThrow(/more data than a state/);
  });

  test("a valid document with a bad field names it", async () => {
    const doc = {
      format: "convsweep-state",
      version: 1,
      image: { height: 2, width: 2, data: [0, 0, 0, 5] },
    };
    const json = new TextEncoder().encode(JSON.stringify(doc));
    const packed = new Uint8Array(
      await new Response(
        new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    let binary = "";
    for (const b of packed) binary += String.fromCharCode(b);
    const value = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expect(decodeLink(value)).rejects.toThrow(/image\.data\[3\]/);
  });
});
