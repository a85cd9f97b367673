import { useEffect, useId, useRef, useState } from "react";
import { type Exercise, type Grade, grade } from "../../practice/exercise";
import { exerciseAt, KIND_NAMES } from "../../practice/kinds";
import {
  loadScore,
  SCORE_FULL,
  type Score,
  saveScore,
  scored,
  scoreFull,
} from "../../practice/score";
import { appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { ChoiceList } from "./ChoiceList";
import { pointAtPanel, practiceStateOf } from "./practiceState";
import "./practice.css";

/** localStorage, or null where the browser refuses it. */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Practice: predict, then reveal. One exercise at a time, built from the state at the moment
 * it is asked (it keeps those numbers while you think); Check answer grades it with the
 * engine's numbers and reveals the answer, the worked reason and the panel that shows it.
 */
export default function PracticeSection({
  onClose,
}: {
  /** Called by Close practice. */
  onClose: () => void;
}) {
  const id = useId();
  const ready = useApp((s) => practiceStateOf(s) !== null);
  const [index, setIndex] = useState(0);
  const [seed] = useState(() => Math.floor(Math.random() * 1e9));
  const [exercise, setExercise] = useState<Exercise | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [result, setResult] = useState<Grade | null>(null);
  const [hint, setHint] = useState("");
  const [score, setScore] = useState<Score>(() => loadScore(storage()));
  const heading = useRef<HTMLHeadingElement>(null);
  const question = useRef<HTMLFieldSetElement>(null);

  // The first exercise once a sweep is shown; later ones when asked for.
  useEffect(() => {
    if (exercise !== null || !ready) return;
    const state = practiceStateOf(appStore.getState());
    if (state !== null) setExercise(exerciseAt(state, index, seed));
  }, [exercise, ready, index, seed]);
  useEffect(() => heading.current?.focus(), []);

  const next = () => {
    const state = practiceStateOf(appStore.getState());
    if (state === null) return;
    const i = index + 1;
    setIndex(i);
    setExercise(exerciseAt(state, i, seed));
    setChosen(null);
    setResult(null);
    setHint("");
    requestAnimationFrame(() => question.current?.focus());
  };
  const check = () => {
    if (exercise === null || result !== null) return;
    if (chosen === null) {
      setHint("Pick an answer first: predict, then check.");
      return;
    }
    const g = grade(exercise, chosen);
    setResult(g);
    // At the score's limit the answer is graded but not counted, and the hint says so.
    const full = scoreFull(score);
    setHint(full ? SCORE_FULL : "");
    if (full) return;
    const after = scored(score, g.right);
    setScore(after);
    saveScore(storage(), after);
  };
  const scoreText =
    score.answered === 0
      ? "No answers checked yet."
      : `Score: ${score.right} of ${score.answered} right.`;

  return (
    <section id="practice" className="practice" aria-labelledby={`${id}-title`}>
      <div className="practice-head">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Practice: predict, then reveal
        </h2>
        <p className="practice-score">{scoreText}</p>
        <button type="button" onClick={onClose}>
          Close practice
        </button>
      </div>
      {exercise === null ? (
        <p>Waiting for the sweep of the current state…</p>
      ) : (
        <>
          <fieldset className="practice-question" ref={question} tabIndex={-1}>
            <legend>
              <span className="practice-kind">
                Exercise {index + 1} · kind {(index % KIND_NAMES.length) + 1} of {KIND_NAMES.length}
                : {exercise.title}
              </span>
              {exercise.question}
            </legend>
            <ChoiceList
              name={`${id}-choice`}
              choices={exercise.choices}
              chosen={chosen}
              onChoose={(c) => {
                setChosen(c);
                setHint("");
              }}
              revealed={result?.correct ?? null}
            />
          </fieldset>
          <div className="practice-actions">
            <button type="button" onClick={check} disabled={result !== null}>
              Check answer
            </button>
            <button type="button" onClick={next}>
              {result === null ? "Skip to the next exercise" : "Next exercise"}
            </button>
          </div>
          <div className="practice-reveal" aria-live="polite">
            {hint ? <p>{hint}</p> : null}
            {result !== null ? (
              <>
                <p className={result.right ? "practice-verdict right" : "practice-verdict wrong"}>
                  <strong>{result.right ? "Right." : "Not this time."}</strong> {exercise.answer}
                </p>
                <p>{exercise.reason}</p>
                <p>
                  <button type="button" onClick={() => pointAtPanel(exercise.panel.id)}>
                    Show it in “{exercise.panel.name}”
                  </button>
                </p>
              </>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
