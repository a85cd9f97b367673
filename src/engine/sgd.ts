import { createGrid, type Grid } from "./grid";
import { checkFinite, checkGrid } from "./validate";

/** A shared filter and its bias: the learnable parameters. */
export interface Params {
  /** The one filter every position uses. */
  kernel: Grid;
  /** The one bias every position adds. */
  bias: number;
}

/**
 * Plain SGD: `kernel − learningRate · kernelGrad`, `bias − learningRate · biasGrad`.
 * Returns new parameters; the arguments are not changed.
 */
export function sgdUpdate(
  params: Params,
  kernelGrad: Grid,
  biasGrad: number,
  learningRate: number,
): Params {
  checkGrid("kernel", params.kernel);
  checkGrid("kernelGrad", kernelGrad);
  if (kernelGrad.height !== params.kernel.height || kernelGrad.width !== params.kernel.width) {
    throw new RangeError(
      `kernelGrad must be ${params.kernel.height}x${params.kernel.width} (the kernel's shape); got ${kernelGrad.height}x${kernelGrad.width}`,
    );
  }
  checkFinite("bias", params.bias);
  checkFinite("biasGrad", biasGrad);
  checkLearningRate(learningRate);
  const kernel = createGrid(params.kernel.height, params.kernel.width);
  for (let t = 0; t < kernel.data.length; t++) {
    kernel.data[t] =
      (params.kernel.data[t] as number) - learningRate * (kernelGrad.data[t] as number);
  }
  return { kernel, bias: params.bias - learningRate * biasGrad };
}

/** Throws RangeError unless the learning rate is a finite number ≥ 0. */
export function checkLearningRate(learningRate: number): number {
  checkFinite("learningRate", learningRate);
  if (learningRate < 0) {
    throw new RangeError(`learningRate must be ≥ 0; got ${learningRate}`);
  }
  return learningRate;
}
