import { type CSSProperties, useEffect, useRef, useState } from "react";
import { errorText } from "../../engine";
import { pictureFromVideo } from "../../state/network/imageActions";
import { RgbCanvas } from "../../viz/RgbCanvas";
import { plural } from "./plural";

/** Props of {@link CameraCapture}. */
export interface CameraCaptureProps {
  /** The images' side: pictures are cropped to a centred square and scaled to it. */
  side: number;
  /** The classes the images have already (offered as names). */
  classes: readonly string[];
  /** Adds the pictures taken; resolves true when they were added. */
  onAdd: (
    pictures: readonly { readonly className: string; readonly pixels: Uint8Array }[],
  ) => Promise<boolean>;
  onClose: () => void;
}

/** Where the centred square of a frame of this aspect lies in it, as CSS percentages. */
function squareStyle(aspect: number): CSSProperties {
  if (aspect >= 1) {
    const side = `${(50 * (1 - 1 / aspect)).toFixed(3)}%`;
    return { top: 0, bottom: 0, left: side, right: side };
  }
  const side = `${(50 * (1 - aspect)).toFixed(3)}%`;
  return { left: 0, right: 0, top: side, bottom: side };
}

/** Why the camera cannot be used, in words a person can act on. */
function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "The browser did not allow the camera. Allow it for this page (the camera icon by the address) and press Use camera again; everything else works without it.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera was found. Connect one, or open pictures with Open images.";
  }
  if (name === "NotReadableError") {
    return "The camera is in use by another program. Close it there and press Use camera again.";
  }
  return `The camera cannot be used: ${errorText(error)}`;
}

/**
 * Pictures from the camera, Teachable Machine's way: name a class, take pictures of it, name
 * the next, then add them all to the images (with at least two classes when none are open).
 */
export function CameraCapture({ side, classes, onAdd, onClose }: CameraCaptureProps) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  /** The stream's width over its height (4:3 until it says). */
  const [aspect, setAspect] = useState(4 / 3);
  const [name, setName] = useState(classes[0] ?? "class 1");
  const [pictures, setPictures] = useState<{ className: string; pixels: Uint8Array }[]>([]);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let live = true;
    const media = navigator.mediaDevices;
    if (!media?.getUserMedia) {
      setProblem(
        "This browser offers no camera to pages (it needs a secure page, https or localhost). Open pictures with Open images.",
      );
      return;
    }
    media.getUserMedia({ video: { facingMode: "user" }, audio: false }).then(
      (s) => {
        if (!live) {
          for (const t of s.getTracks()) t.stop();
          return;
        }
        stream = s;
        const v = video.current;
        if (v) {
          v.srcObject = s;
          void v.play().then(
            () => setReady(true),
            (error: unknown) => setProblem(cameraProblem(error)),
          );
        }
      },
      (error: unknown) => {
        if (live) setProblem(cameraProblem(error));
      },
    );
    return () => {
      live = false;
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, []);
  const take = () => {
    const v = video.current;
    if (!v) return;
    try {
      const pixels = pictureFromVideo(v, side);
      setPictures((p) => [...p, { className: name.trim(), pixels }]);
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const byClass = new Map<string, number>();
  for (const p of pictures) byClass.set(p.className, (byClass.get(p.className) ?? 0) + 1);
  const add = async () => {
    if (await onAdd(pictures)) {
      setPictures([]);
      onClose();
    }
  };
  return (
    <section className="camera" aria-label="Pictures from the camera">
      {problem ? (
        <p className="error-text" role="alert">
          {problem}
        </p>
      ) : null}
      {/* The square outlined is what a picture keeps (its centre, scaled to the image size). */}
      <div className="camera-frame">
        <video
          ref={video}
          className="camera-video"
          muted
          playsInline
          aria-label="The camera"
          style={{ aspectRatio: `${aspect}` }}
          onLoadedMetadata={(e) => {
            const v = e.currentTarget;
            if (v.videoWidth > 0 && v.videoHeight > 0) setAspect(v.videoWidth / v.videoHeight);
          }}
        />
        <div className="camera-square" style={squareStyle(aspect)} />
      </div>
      <div className="tools">
        <label className="network-field">
          <span>Class</span>
          <input
            value={name}
            list="camera-classes"
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <datalist id="camera-classes">
          {classes.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <button type="button" disabled={!ready || name.trim() === ""} onClick={take}>
          Take picture
        </button>
        <button type="button" disabled={pictures.length === 0} onClick={() => void add()}>
          Add {plural(pictures.length, "picture")} to the images
        </button>
        <button type="button" onClick={onClose}>
          Close camera
        </button>
      </div>
      <p className="hint" data-quantity="camera-pictures">
        {pictures.length === 0
          ? "Name a class, point the camera, take pictures; then the next class."
          : [...byClass].map(([c, n]) => `${c}: ${n}`).join(" · ")}
      </p>
      <span className="image-thumbnails">
        {pictures.slice(-12).map((p, i) => (
          <RgbCanvas
            // biome-ignore lint/suspicious/noArrayIndexKey: the last pictures, in the order taken
            key={i}
            planes={p.pixels}
            height={side}
            width={side}
            label={`A picture of ${p.className}`}
            size={40}
          />
        ))}
      </span>
    </section>
  );
}
