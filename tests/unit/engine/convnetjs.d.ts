/** The small part of convnetjs (0.3, CommonJS, no types of its own) the tests and benchmark use. */
declare module "convnetjs" {
  /** A volume of sx (width, columns) × sy (height, rows) × depth; cell (x, y, d) is w[((sx * y) + x) * depth + d]. */
  export class Vol {
    /** Fills with `c`, or with random numbers when `c` is omitted. */
    constructor(sx: number, sy: number, depth: number, c?: number);
    sx: number;
    sy: number;
    depth: number;
    w: Float64Array;
    dw: Float64Array;
    get(x: number, y: number, d: number): number;
    set(x: number, y: number, d: number, v: number): void;
  }

  export interface ConvLayerOptions {
    in_sx: number;
    in_sy: number;
    in_depth: number;
    /** Filter width. */
    sx: number;
    /** Filter height (default sx). */
    sy?: number;
    filters: number;
    stride?: number;
    pad?: number;
    bias_pref?: number;
  }

  /** A convolution layer; backward() adds into filters[d].dw and biases.dw (it never zeroes them). */
  export class ConvLayer {
    constructor(options: ConvLayerOptions);
    out_sx: number;
    out_sy: number;
    filters: Vol[];
    biases: Vol;
    in_act: Vol;
    out_act: Vol;
    forward(V: Vol, isTraining?: boolean): Vol;
    backward(): void;
  }

  const convnetjs: { Vol: typeof Vol; ConvLayer: typeof ConvLayer };
  export default convnetjs;
}
