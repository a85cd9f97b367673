import type { ReactNode } from "react";

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
  return (
    <section className={`panel ${className ?? ""}`} aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </section>
  );
}
