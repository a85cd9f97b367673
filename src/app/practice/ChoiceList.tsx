import type { Choice } from "../../practice/exercise";
import { formatNumber } from "../../viz/format";

/** A candidate filter as a small table of numbers. */
function FilterTable({ choice }: { /** The choice carrying the filter. */ choice: Choice }) {
  const grid = choice.grid;
  if (grid === undefined) return null;
  const rows = Array.from({ length: grid.height }, (_, r) =>
    Array.from(grid.data.subarray(r * grid.width, (r + 1) * grid.width)),
  );
  return (
    <table className="practice-filter" aria-label={choice.label}>
      <tbody>
        {rows.map((row, r) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows of a grid are a fixed list.
          <tr key={r}>
            {row.map((v, c) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the cells of a row are a fixed list.
              <td key={c}>{formatNumber(v, choice.digits ?? 3)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The answers as a radio group (arrow keys move between them); once checked, the right ones
 * and the chosen one are marked in words, not only in colour.
 */
export function ChoiceList({
  name,
  choices,
  chosen,
  onChoose,
  revealed,
}: {
  /** The radio group's name. */
  name: string;
  /** The answers offered. */
  choices: readonly Choice[];
  /** The chosen id, or null. */
  chosen: string | null;
  /** Called with the id picked. */
  onChoose: (id: string) => void;
  /** The right ids once the answer is checked; null before. */
  revealed: readonly string[] | null;
}) {
  return (
    <ul className="practice-choices">
      {choices.map((c) => {
        const right = revealed?.includes(c.id) ?? false;
        const wrong = revealed !== null && !right && c.id === chosen;
        return (
          <li key={c.id} className={right ? "right" : wrong ? "wrong" : ""}>
            <label>
              <input
                type="radio"
                name={name}
                value={c.id}
                checked={chosen === c.id}
                onChange={() => onChoose(c.id)}
                disabled={revealed !== null}
              />{" "}
              {c.label}
              {right ? <strong> ✓ right</strong> : wrong ? <strong> ✗ your answer</strong> : null}
            </label>
            <FilterTable choice={c} />
          </li>
        );
      })}
    </ul>
  );
}
