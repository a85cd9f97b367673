import { IMAGE_LIMITS } from "../../images/limits";

/** The sides Image size offers, square images of 16 to 128 pixels (IMAGE_LIMITS.side). */
export const IMAGE_SIDES = [16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128].filter(
  (s) => s <= IMAGE_LIMITS.side,
);
