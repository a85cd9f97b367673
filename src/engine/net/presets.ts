import { CLASSES, type CnnConfig, cnnArchitecture, IMAGE_SIDE } from "../cnn/network";
import type { LayerSpec, NetworkSpec } from "./spec";

/** The input of every digits preset: one channel, MNIST's 28x28 padded to 32x32. */
const DIGITS_INPUT = { channels: 1, height: IMAGE_SIDE, width: IMAGE_SIDE } as const;

/**
 * Today's digits network as a spec of the general engine: conv 3x3 (K) → ReLU → max-pool 2x2
 * → [conv 3x3 (K2) → ReLU → max-pool 2x2] → flatten → dense 10, softmax cross-entropy. Its
 * parameters have the same layout as `paramViews`, and `initNetworkParams` gives the same
 * numbers as `initParams` for the same seed.
 */
export function cnnPresetSpec(config: Partial<CnnConfig> = {}): NetworkSpec {
  const { filters, filters2, stride, padding } = cnnArchitecture(config).config;
  const block = (k: number): LayerSpec[] => [
    { type: "conv2d", filters: k, kernelSize: 3, stride, padding },
    { type: "relu" },
    { type: "maxpool2d", size: 2 },
  ];
  return {
    input: { ...DIGITS_INPUT },
    layers: [
      ...block(filters),
      ...(filters2 > 0 ? block(filters2) : []),
      { type: "flatten" },
      { type: "dense", units: CLASSES },
    ],
    loss: "cross-entropy",
  };
}

/** The networks the layer editor offers, by name. */
export const NETWORK_PRESETS = {
  /** Today's network: one 3x3 convolution of 8 filters. */
  default: () => cnnPresetSpec(),
  /** Two 3x3 convolutions, 8 then 16 filters, each with ReLU and 2x2 max-pool. */
  twoConv: () => cnnPresetSpec({ filters: 8, filters2: 16 }),
  /**
   * LeNet-5 (LeCun et al., 1998) with ReLU and max-pool: conv 5x5 ×6 → pool → conv 5x5 ×16 →
   * pool → dense 120 → dense 84 → dense 10, on the 32x32 input it was made for.
   */
  leNet5: (): NetworkSpec => ({
    input: { ...DIGITS_INPUT },
    layers: [
      { type: "conv2d", filters: 6, kernelSize: 5 },
      { type: "relu" },
      { type: "maxpool2d", size: 2 },
      { type: "conv2d", filters: 16, kernelSize: 5 },
      { type: "relu" },
      { type: "maxpool2d", size: 2 },
      { type: "flatten" },
      { type: "dense", units: 120 },
      { type: "relu" },
      { type: "dense", units: 84 },
      { type: "relu" },
      { type: "dense", units: CLASSES },
    ],
    loss: "cross-entropy",
  }),
  /** All-convolutional: three 3x3 convolutions of stride 2 shrink 32 → 16 → 8 → 4; no pooling. */
  allConv: (): NetworkSpec => ({
    input: { ...DIGITS_INPUT },
    layers: [
      { type: "conv2d", filters: 8, kernelSize: 3, stride: 2, padding: 1 },
      { type: "relu" },
      { type: "conv2d", filters: 16, kernelSize: 3, stride: 2, padding: 1 },
      { type: "relu" },
      { type: "conv2d", filters: 16, kernelSize: 3, stride: 2, padding: 1 },
      { type: "relu" },
      { type: "flatten" },
      { type: "dense", units: CLASSES },
    ],
    loss: "cross-entropy",
  }),
} as const satisfies Record<string, () => NetworkSpec>;

export type NetworkPresetName = keyof typeof NETWORK_PRESETS;
