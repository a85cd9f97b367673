import { CodeTwinButton } from "./codeTwin/CodeTwinButton";
import { FigureButtons } from "./FigureButtons";
import { PaintDeltaButton } from "./paintDelta/PaintDeltaButton";
import { PracticeButton } from "./practice/PracticeButton";
import { ShareButton } from "./ShareButton";
import { StateFileButtons } from "./StateFileButtons";
import { Contents } from "./sections/Contents";
import { ThemeToggle } from "./ThemeToggle";

/** What the header's tools need from the page. */
export interface HeaderToolsProps {
  /** True while the practice section is shown. */
  practice: boolean;
  /** Opens or closes it. */
  onPractice: () => void;
}

/**
 * The header's tools: the contents, Practice and Paint δ, the theme, the figure as SVG/PNG, a
 * link, an embed code, the code twin, Export and Import (with a file dropped on the page). A
 * chunk of its own, fetched right after the first load; until it arrives HeaderToolsSpace
 * holds its place, so nothing below moves when it does.
 */
export default function HeaderTools({ practice, onPractice }: HeaderToolsProps) {
  return (
    <>
      <Contents />
      <PracticeButton open={practice} onToggle={onPractice} />
      <PaintDeltaButton />
      <ThemeToggle />
      <FigureButtons />
      <ShareButton />
      <ShareButton kind="embed" />
      <CodeTwinButton />
      <StateFileButtons />
    </>
  );
}
