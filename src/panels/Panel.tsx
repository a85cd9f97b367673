import { type ReactNode, useRef } from "react";
import { errorText } from "../engine/index";
import { setNotice } from "../state/commit";

export interface PanelProps {
  /** Stable id, also used for the heading's id. */
  id: string;
  /** The panel's heading. */
  title: ReactNode;
  /** One plain sentence under the heading: what the panel shows. */
  lead?: ReactNode;
  children: ReactNode;
  /** Extra class for layout. */
  className?: string;
}

/** A titled region of the page; screen readers can jump between panels by their headings. */
export function Panel({ id, title, lead, children, className }: PanelProps) {
  const ref = useRef<HTMLElement>(null);
  const save = async () => {
    if (!ref.current) return;
    try {
      // The picture code is fetched on the first click: most visits never save one.
      const { saveElementPng } = await import("../viz/exportImage");
      await saveElementPng(ref.current, `convsweep-${id}`);
    } catch (error) {
      setNotice({
        kind: "error",
        text: `The picture could not be made: ${errorText(error)}`,
      });
    }
  };
  return (
    <section
      ref={ref}
      className={`panel ${className ?? ""}`}
      aria-labelledby={`${id}-title`}
      id={id}
    >
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button
          type="button"
          className="panel-png"
          data-no-export
          onClick={() => void save()}
          aria-describedby={`${id}-title`}
          title="Save this panel as a PNG image (2x)"
        >
          PNG
        </button>
      </div>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </section>
  );
}
