import { useId } from "react";

/** The brush the δ map is painted with. */
export interface Tool {
  /** True: the brush sets δ to 0. */
  erase: boolean;
  /** The sign of the value painted. */
  sign: 1 | -1;
  /** |δ| painted. */
  magnitude: number;
  /** Brush radius in cells (1 paints one cell). */
  radius: number;
}

const MAGNITUDES = [0.1, 0.5, 1, 2, 5, 10] as const;
const RADII = [1, 2, 3] as const;

/** Paint or erase, the sign, |δ| and the brush size. */
export function BrushTools({
  tool,
  onChange,
}: {
  /** The current brush. */
  tool: Tool;
  /** Called with the changed brush. */
  onChange: (tool: Tool) => void;
}) {
  const id = useId();
  const set = (patch: Partial<Tool>) => onChange({ ...tool, ...patch });
  return (
    <div className="paint-delta-tools">
      <fieldset>
        <legend>Brush</legend>
        <label>
          <input
            type="radio"
            name={`${id}-tool`}
            checked={!tool.erase}
            onChange={() => set({ erase: false })}
          />{" "}
          Paint
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-tool`}
            checked={tool.erase}
            onChange={() => set({ erase: true })}
          />{" "}
          Erase (δ = 0)
        </label>
      </fieldset>
      <fieldset disabled={tool.erase}>
        <legend>Sign</legend>
        <label>
          <input
            type="radio"
            name={`${id}-sign`}
            checked={tool.sign === 1}
            onChange={() => set({ sign: 1 })}
          />{" "}
          + positive
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-sign`}
            checked={tool.sign === -1}
            onChange={() => set({ sign: -1 })}
          />{" "}
          − negative
        </label>
      </fieldset>
      <label>
        |δ|{" "}
        <select
          value={tool.magnitude}
          onChange={(e) => set({ magnitude: Number(e.target.value) })}
          disabled={tool.erase}
        >
          {MAGNITUDES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        Brush size{" "}
        <select value={tool.radius} onChange={(e) => set({ radius: Number(e.target.value) })}>
          {RADII.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
