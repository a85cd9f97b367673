/**
 * The real network's share link (`#view=network&net=…`): the layers, the settings, the seed
 * and the chosen image, read with the network file's rules (file.ts); the weights go in the
 * file.
 */
import { cnnPresetSpec } from "../../engine";
import { parseWrittenDecimal } from "../decimal";
import { StateFileError } from "../stateRules";
import { readChoice, readConfig, readSettings } from "./file";
import { digitsSpec, layersText, readLayersText } from "./spec";
import type { NetworkState } from "./store";

function fail(message: string): never {
  throw new StateFileError(message);
}

/**
 * A link's network part: the layers (spec.ts's text), the settings, seed and chosen image
 * (weights go in the file), 12 fields joined by "~".
 */
export function networkLink(state: NetworkState): string {
  const { spec, settings: s, choice } = state;
  const image = choice.set === "drawn" ? ["drawn", choice.label] : [choice.set, choice.index];
  return [layersText(spec), s.batchSize, s.learningRate, s.momentum, s.reduction, s.seed]
    .concat([...image, state.layer, state.filter, s.maxShift ?? 0, s.learningRateHalfLife ?? 0])
    .join("~");
}

/**
 * Reads a link's network part with the file's rules; throws StateFileError naming the field.
 * Links made before the layers were editable have 15 fields (13 before the shift and the
 * half-life were settings) and start with the small CNN's K, K2, stride and padding.
 */
export function readNetworkLink(text: string) {
  const f = text.split("~");
  if (f.length !== 12 && f.length !== 15 && f.length !== 13) {
    fail(
      `The link's network part has ${f.length} fields; it needs 12 (15 or 13 in an older link).`,
    );
  }
  // Field i as a number, written as JSON writes it (the main view's link is JSON), named by
  // the file's name for it: no "0x4", " 64 " (a link's "%2064%20"), ".5e1", or 1e-400 read as 0.
  const n = (i: number, name: string, example: string) => {
    const read = parseWrittenDecimal(f[i] ?? "", `"${name}"`, example);
    if ("error" in read) fail(read.error);
    return read.value;
  };
  const old = f.length !== 12;
  const spec = old
    ? digitsSpec(
        cnnPresetSpec(
          readConfig({
            filters: n(0, "config.filters", "8"),
            filters2: n(1, "config.filters2", "0"),
            stride: n(2, "config.stride", "1"),
            padding: n(3, "config.padding", "0"),
          }).config,
        ).layers,
      )
    : readLayersText(f[0] ?? "");
  // The settings' fields, from the field after the network's.
  const at = old ? 4 : 1;
  const settings = readSettings({
    batchSize: n(at, "settings.batchSize", "64"),
    learningRate: n(at + 1, "settings.learningRate", "0.1"),
    momentum: n(at + 2, "settings.momentum", "0.9"),
    reduction: f[at + 3],
    seed: n(at + 4, "settings.seed", "1"),
    ...(f.length === 13
      ? {}
      : {
          maxShift: n(at + 9, "settings.maxShift", "1"),
          learningRateHalfLife: n(at + 10, "settings.learningRateHalfLife", "1000"),
        }),
  });
  const set = f[at + 5];
  const image =
    set === "drawn"
      ? { set, label: n(at + 6, "sweep.image.label", "3") }
      : { set, index: n(at + 6, "sweep.image.index", "0") };
  const sweep = {
    image,
    layer: n(at + 7, "sweep.layer", "0"),
    filter: n(at + 8, "sweep.filter", "0"),
  };
  const { choice, layer, filter } = readChoice(sweep, spec, old);
  return { spec, settings, choice, layer, filter };
}
