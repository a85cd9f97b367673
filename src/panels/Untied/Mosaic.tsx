import { useId, useMemo } from "react";
import type { LocalParams } from "../../engine/index";
import { divergingColor } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";

/** An output position. */
export interface Cell {
  row: number;
  col: number;
}

export interface MosaicProps {
  /** The untied layer: every position's filter as one tile of `weights`. */
  params: LocalParams;
  /** Displayed width in CSS pixels. */
  size: number;
  /** The colour saturates at ±max. */
  max: number;
  /** The position whose tile is outlined. */
  selected: Cell;
  /** Called when a tile is chosen with the pointer or the arrow keys. */
  onSelect: (cell: Cell) => void;
}

const STEPS: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/**
 * Every position's own filter, side by side: one canvas, one tile per position in its place,
 * thin lines between tiles. Focus it and move between tiles with the arrow keys.
 */
export function Mosaic({ params, size, max, selected, onSelect }: MosaicProps) {
  const { weights, biases } = params;
  const kH = weights.height / biases.height;
  const kW = weights.width / biases.width;
  const color = useMemo(() => (v: number) => divergingColor(v, max), [max]);
  const pattern = useId();
  const height = (size / weights.width) * weights.height;
  const choose = (row: number, col: number) =>
    onSelect({
      row: Math.max(0, Math.min(biases.height - 1, row)),
      col: Math.max(0, Math.min(biases.width - 1, col)),
    });
  return (
    <div className="mosaic" style={{ width: size, height }}>
      <GridCanvas
        grid={weights}
        color={color}
        size={size}
        label={`The ${biases.height * biases.width} untied filters, one ${kH}x${kW} tile per position; arrow keys choose a position`}
        highlights={[
          {
            row: selected.row * kH,
            col: selected.col * kW,
            height: kH,
            width: kW,
            color: "#ff9f1c",
          },
        ]}
        canvasProps={{
          tabIndex: 0,
          className: "mosaic-canvas",
          onKeyDown: (e) => {
            const step = STEPS[e.key];
            if (step === undefined) return;
            e.preventDefault();
            choose(selected.row + step[0], selected.col + step[1]);
          },
          onPointerDown: (e) => {
            const box = e.currentTarget.getBoundingClientRect();
            const col = Math.floor(((e.clientX - box.left) / box.width) * biases.width);
            const row = Math.floor(((e.clientY - box.top) / box.height) * biases.height);
            choose(row, col);
          },
        }}
      />
      <svg
        className="mosaic-tiles"
        width={size}
        height={height}
        viewBox={`0 0 ${weights.width} ${weights.height}`}
        aria-hidden="true"
      >
        <defs>
          <pattern id={pattern} width={kW} height={kH} patternUnits="userSpaceOnUse">
            <path d={`M ${kW} 0 V ${kH} H 0`} fill="none" className="mosaic-line" />
          </pattern>
        </defs>
        <rect width={weights.width} height={weights.height} fill={`url(#${pattern})`} />
      </svg>
    </div>
  );
}
