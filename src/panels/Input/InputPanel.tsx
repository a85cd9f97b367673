import { memo, useEffect, useRef, useState } from "react";
import { IMAGE_PRESET_LABELS, IMAGE_PRESETS, type ImagePreset } from "../../state/images";
import { openImageFile } from "../../state/openImage";
import { loadImagePreset, paintStroke, setBrush, setDragging } from "../../state/problem";
import { appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { grayColor } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { MovingWindow, moveWindow } from "../../viz/MovingWindow";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval, positionViewOf, useWindowCells } from "../livePosition";
import { Panel } from "../Panel";

type Cell = { row: number; col: number };

/**
 * Whether the browser reports pointer moves as they happen ("pointerrawupdate", Chromium in a
 * secure context). A "pointermove" waits for the next animation frame; drawing from the raw
 * event sends the stroke to the worker up to a frame sooner, so its sweep can be on screen
 * in the frame that follows.
 */
const RAW_MOVES = typeof window !== "undefined" && "onpointerrawupdate" in window;

/** Where a pointer is on the canvas, in fractional cell coordinates of a grid this size. */
function cellAt(
  e: { clientX: number; clientY: number },
  canvas: HTMLCanvasElement,
  grid: { height: number; width: number },
): Cell {
  const box = canvas.getBoundingClientRect();
  return {
    row: ((e.clientY - box.top) / box.height) * grid.height,
    col: ((e.clientX - box.left) / box.width) * grid.width,
  };
}

/** The input image: draw on it, load a preset or an image file; the kernel's window is outlined. */
export function InputPanel({ size }: { /** Canvas width in CSS pixels. */ size: number }) {
  const image = useApp((s) => s.image);
  const brushSize = useApp((s) => s.brushSize);
  const brushMode = useApp((s) => s.brushMode);
  const last = useRef<Cell | null>(null);
  // The window (the cells the filter sees) moves every frame of a playing sweep: it is moved
  // outside React (src/viz/useFramePaint.ts), so the panel does not re-render for it.
  const windowCells = useWindowCells();
  const windowLayer = useRef<HTMLCanvasElement>(null);
  useFramePaint(
    useLiveSubscribe("input"),
    () => {
      const s = appStore.getState();
      moveWindow(windowLayer.current, positionViewOf(s)?.origin ?? null);
    },
    paintInterval,
  );
  const [cursor, setCursor] = useState<Cell | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const cell = cellAt(e, e.currentTarget, image);
    last.current = cell;
    setDragging(true);
    void paintStroke(null, cell);
  };
  // The stroke continues from the last point to this one: a straight segment, so fast moves
  // leave no gaps.
  const strokeTo = (e: PointerEvent, target: HTMLCanvasElement) => {
    if (last.current === null) return;
    const end = cellAt(e, target, image);
    void paintStroke(last.current, end);
    last.current = end;
  };
  // The raw-event listener below calls this render's strokeTo (it reads this render's image).
  const strokeToRef = useRef(strokeTo);
  strokeToRef.current = strokeTo;
  useEffect(() => {
    const el = canvas.current;
    if (!RAW_MOVES || el === null) return;
    const onRaw = (e: Event) => strokeToRef.current(e as PointerEvent, el);
    el.addEventListener("pointerrawupdate", onRaw);
    return () => el.removeEventListener("pointerrawupdate", onRaw);
  }, []);
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!RAW_MOVES) strokeTo(e.nativeEvent, e.currentTarget);
  };
  const endStroke = () => {
    last.current = null;
    setDragging(false);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const at = cursor ?? { row: Math.floor(image.height / 2), col: Math.floor(image.width / 2) };
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[e.key];
    if (move) {
      const next = {
        row: Math.max(0, Math.min(image.height - 1, at.row + move[0])),
        col: Math.max(0, Math.min(image.width - 1, at.col + move[1])),
      };
      setCursor(next);
      if (e.shiftKey)
        void paintStroke(
          { row: at.row + 0.5, col: at.col + 0.5 },
          { row: next.row + 0.5, col: next.col + 0.5 },
        );
    } else if (e.key === " " || e.key === "Enter") {
      setCursor(at);
      void paintStroke(null, { row: at.row + 0.5, col: at.col + 0.5 });
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const highlights = cursor
    ? [{ row: cursor.row, col: cursor.col, height: 1, width: 1, color: "#2ec4b6" }]
    : [];

  return (
    <Panel
      id="input"
      title="Input image"
      lead="Draw with a mouse, pen or finger. The orange squares are the cells the filter sees at the current position."
    >
      <GridCanvas
        grid={image}
        color={grayColor}
        label={`Input image, ${image.width} by ${image.height} grayscale; drag to ${brushMode}, or focus and use arrow keys with Space`}
        size={size}
        highlights={highlights}
        overlay={
          windowCells ? (
            <MovingWindow
              cells={windowCells}
              color="#ff9f1c"
              cell={size / image.width}
              width={size}
              height={(size / image.width) * image.height}
              layerRef={windowLayer}
            />
          ) : null
        }
        canvasRef={canvas}
        canvasProps={{
          className: "drawable",
          tabIndex: 0,
          onPointerDown,
          onPointerMove,
          onPointerUp: endStroke,
          onPointerCancel: endStroke,
          onLostPointerCapture: endStroke,
          onKeyDown,
          onBlur: () => setCursor(null),
        }}
      />
      <InputTools
        brushMode={brushMode}
        brushSize={brushSize}
        width={image.width}
        height={image.height}
      />
    </Panel>
  );
}

/**
 * The brush, preset and file tools. Memoised apart from the canvas: the panel re-renders with
 * every new image (each move of a stroke), these controls do not change with it.
 */
const InputTools = memo(function InputTools({
  brushMode,
  brushSize,
  width,
  height,
}: {
  /** Paint or erase. */
  brushMode: "paint" | "erase";
  /** Brush radius in cells. */
  brushSize: number;
  /** The image's width and height in cells (an opened file is scaled to them). */
  width: number;
  height: number;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  const openFile = (file: File | undefined) => {
    if (file) void openImageFile(file);
  };

  return (
    <>
      <div className="tools">
        <fieldset className="segmented">
          <legend className="visually-hidden">Brush</legend>
          <label>
            <input
              type="radio"
              name="brush-mode"
              checked={brushMode === "paint"}
              onChange={() => setBrush({ brushMode: "paint" })}
            />
            Paint
          </label>
          <label>
            <input
              type="radio"
              name="brush-mode"
              checked={brushMode === "erase"}
              onChange={() => setBrush({ brushMode: "erase" })}
            />
            Erase
          </label>
        </fieldset>
        <label>
          Brush size{" "}
          <select
            value={brushSize}
            onChange={(e) => setBrush({ brushSize: Number(e.target.value) })}
          >
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => loadImagePreset("blank")}>
          Clear
        </button>
      </div>
      <div className="tools">
        <label>
          Preset{" "}
          <select
            value=""
            onChange={(e) => {
              if (e.target.value) loadImagePreset(e.target.value as ImagePreset);
            }}
          >
            <option value="">Choose…</option>
            {IMAGE_PRESETS.filter((p) => p !== "blank").map((p) => (
              <option key={p} value={p}>
                {IMAGE_PRESET_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-describedby="open-image-hint"
          onClick={() => fileInput.current?.click()}
        >
          Open image file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="image/*"
          hidden
          aria-label="Open image file"
          onChange={(e) => {
            void openFile(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
      </div>
      <p className="hint" id="open-image-hint">
        A file opens at the image's size, {height}x{width}: centre-cropped, in grayscale.
      </p>
    </>
  );
});
