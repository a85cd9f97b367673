import { useLayoutEffect, useRef } from "react";

/** Props of {@link RgbCanvas}. */
export interface RgbCanvasProps {
  /** A colour picture as three planes, [R][G][B] each `height · width`, row-major. */
  planes: ArrayLike<number>;
  height: number;
  width: number;
  /** Maps a plane's value to a byte: bytes as they are (default), or e.g. [0, 1] scaled by 255. */
  toByte?: (value: number) => number;
  /** Accessible name of the picture. */
  label: string;
  /** Displayed width in CSS pixels (height follows the aspect ratio). */
  size: number;
}

/** A colour picture, one canvas pixel a cell, scaled up pixelated (as GridCanvas draws a grid). */
export function RgbCanvas({ planes, height, width, toByte, label, size }: RgbCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return;
    const plane = height * width;
    const image = context.createImageData(width, height);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const v = planes[c * plane + i] as number;
        image.data[i * 4 + c] = toByte ? toByte(v) : v;
      }
      image.data[i * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [planes, height, width, toByte]);
  return (
    <canvas
      ref={ref}
      className="grid-canvas rgb-canvas"
      width={width}
      height={height}
      role="img"
      aria-label={label}
      style={{ width: size, height: (size * height) / width, imageRendering: "pixelated" }}
    />
  );
}

/** A value in [0, 1] as a byte. */
export const unitToByte = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255);
