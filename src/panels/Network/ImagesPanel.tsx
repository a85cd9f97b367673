import { type DragEvent, useEffect, useRef, useState } from "react";
import {
  addPictures,
  clearImages,
  IMAGE_SIDES,
  IMAGES_FILE_NAME,
  type ImagesProgress,
  imagesZip,
  onImagesProgress,
  openDroppedImages,
  openImages,
  setImageChannels,
  stopOpeningImages,
  storedImagesInfo,
  trainOnDigits,
  trainOnStoredImages,
} from "../../state/network/imageActions";
import { type ImageSetInfo, useNetwork } from "../../state/network/store";
import { downloadBlob } from "../../viz/download";
import { RgbCanvas } from "../../viz/RgbCanvas";
import { Panel } from "../Panel";
import { CameraCapture } from "./CameraCapture";
import { plural } from "./plural";

/** Classes, counts and a few thumbnails of each class of the images open. */
function ImageSetSummary({ info }: { info: ImageSetInfo }) {
  const train = info.trainCounts.reduce((a, b) => a + b, 0);
  const test = info.testCounts.reduce((a, b) => a + b, 0);
  return (
    <div className="image-set">
      <p data-quantity="image-set-counts">
        {plural(info.classes.length, "class", "classes")}, {plural(train + test, "image")} at{" "}
        {info.height}x{info.width}: {train.toLocaleString("en-US")} for training,{" "}
        {test.toLocaleString("en-US")} held out (80/20 in each class, seeded).
      </p>
      <ul className="image-classes" aria-label="Classes of your images">
        {info.classes.map((name, label) => (
          <li key={name}>
            <strong>{name}</strong>{" "}
            <span className="hint">
              {info.trainCounts[label]} + {info.testCounts[label]}
            </span>
            <span className="image-thumbnails">
              {info.thumbnails
                .filter((t) => t.label === label)
                .map((t, i) => (
                  <RgbCanvas
                    // biome-ignore lint/suspicious/noArrayIndexKey: a class's thumbnails keep their order
                    key={i}
                    planes={t.pixels}
                    height={info.height}
                    width={info.width}
                    label={`An image of ${name}`}
                    size={40}
                  />
                ))}
            </span>
          </li>
        ))}
      </ul>
      {info.skipped.length > 0 ? (
        <details className="image-skipped">
          <summary>{plural(info.skipped.length, "file")} left out</summary>
          <ul>
            {info.skipped.slice(0, 200).map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed for a set
              <li key={i}>
                {s.name}: {s.why}
              </li>
            ))}
            {info.skipped.length > 200 ? <li>… and {info.skipped.length - 200} more</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/**
 * Your own images: open files, a folder (a subfolder per class) or a zip, or take pictures
 * with the camera; train on them in colour or gray, save them as a zip, clear them.
 */
export function ImagesPanel() {
  const data = useNetwork((s) => s.data);
  const channels = useNetwork((s) => s.spec.input.channels);
  const training = useNetwork((s) => s.training);
  const [side, setSide] = useState(32);
  const [colour, setColour] = useState<1 | 3>(3);
  const [progress, setProgress] = useState<ImagesProgress | null>(null);
  const [stored, setStored] = useState<ImageSetInfo | null>(null);
  const [camera, setCamera] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  useEffect(() => onImagesProgress(setProgress), []);
  // Images stored on an earlier visit can be trained on again.
  useEffect(() => {
    if (data.kind === "images") {
      setStored(data.set);
      return;
    }
    let live = true;
    void storedImagesInfo().then((info) => {
      if (live) setStored(info);
    });
    return () => {
      live = false;
    };
  }, [data]);
  useEffect(() => {
    // React has no prop for it: a folder chooser.
    folder.current?.setAttribute("webkitdirectory", "");
  }, []);
  const images = data.kind === "images" ? data.set : null;
  const readAs = images ? (channels === 1 ? 1 : 3) : colour;
  const open = async (list: FileList | null | undefined, input: HTMLInputElement | null) => {
    const chosen = list ? [...list] : [];
    if (input) input.value = "";
    await openImages(chosen, { side, channels: readAs });
  };
  const save = async () => {
    const zip = await imagesZip();
    if (zip) {
      downloadBlob(
        new Blob([zip as Uint8Array<ArrayBuffer>], { type: "application/zip" }),
        IMAGES_FILE_NAME,
      );
    }
  };
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent<HTMLDivElement>) => {
    // The images' own drop: the page's drop handler (a state or network file) never sees it.
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    if (training || progress !== null) return;
    void openDroppedImages(e.dataTransfer, { side, channels: readAs });
  };
  return (
    <Panel
      id="network-images"
      title="Your images"
      lead="Train on your own pictures: a folder with one subfolder per class (the subfolder's name is the class), a zip of such folders, or pictures from the camera. They stay in this browser; nothing is uploaded."
      className="network-images"
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a pointer's shortcut for the buttons inside, which keyboards reach */}
      <div
        className={over ? "image-drop over" : "image-drop"}
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <fieldset className="network-settings" disabled={training || progress !== null}>
          <legend>Images (pause training to change)</legend>
          <label className="network-field">
            <span>Image size</span>
            <select
              value={images ? images.height : side}
              disabled={images !== null}
              onChange={(e) => setSide(Number(e.target.value))}
            >
              {IMAGE_SIDES.map((s) => (
                <option key={s} value={s}>
                  {s}x{s}
                </option>
              ))}
            </select>
          </label>
          <label className="network-field">
            <span>Read as</span>
            <select
              value={readAs}
              onChange={(e) => {
                const c = e.target.value === "1" ? 1 : 3;
                setColour(c);
                if (images) setImageChannels(c);
              }}
            >
              <option value={3}>colour (3 channels)</option>
              <option value={1}>gray (1 channel)</option>
            </select>
          </label>
          <div className="tools">
            <button type="button" onClick={() => files.current?.click()}>
              Open images
            </button>
            <input
              ref={files}
              type="file"
              multiple
              accept="image/*,.zip,application/zip"
              hidden
              aria-label="Image files or a zip to open"
              onChange={(e) => void open(e.target.files, e.target)}
            />
            <button type="button" onClick={() => folder.current?.click()}>
              Open a folder
            </button>
            <input
              ref={folder}
              type="file"
              multiple
              hidden
              aria-label="Folder of images to open"
              onChange={(e) => void open(e.target.files, e.target)}
            />
            <button type="button" aria-pressed={camera} onClick={() => setCamera(!camera)}>
              Use camera
            </button>
            {images ? (
              <>
                <button type="button" onClick={() => void save()}>
                  Save images
                </button>
                <button type="button" onClick={trainOnDigits}>
                  Train on the digits
                </button>
              </>
            ) : stored ? (
              <button type="button" onClick={() => void trainOnStoredImages(colour)}>
                Train on your images ({stored.classes.join(", ")})
              </button>
            ) : null}
            {images || stored ? (
              <button type="button" onClick={() => void clearImages()}>
                Clear images
              </button>
            ) : null}
          </div>
        </fieldset>
        <p className="hint">Or drop a folder, images or a zip here.</p>
      </div>
      {progress ? (
        <p className="tools" role="status">
          Reading {progress.done.toLocaleString("en-US")} of {plural(progress.total, "image")}…{" "}
          <button type="button" onClick={stopOpeningImages}>
            Stop
          </button>
        </p>
      ) : null}
      {camera ? (
        <CameraCapture
          side={images ? images.height : side}
          classes={images ? images.classes : []}
          onAdd={(pictures) => addPictures(pictures, { side, channels: readAs })}
          onClose={() => setCamera(false)}
        />
      ) : null}
      {images ? (
        <ImageSetSummary info={images} />
      ) : (
        <p className="hint">The network trains on the digits. Open images to train it on yours.</p>
      )}
    </Panel>
  );
}
