// Minimal typings for the Cornerstone (legacy, v2) libraries the viewer uses; they ship no declarations.
// Only what client/src/viewer calls is declared.

declare module 'cornerstone-core' {
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    /** degrees clockwise, applied on screen after the flips */
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    [key: string]: unknown;
  }
  export interface Image {
    imageId: string;
    rows: number;
    columns: number;
    width: number;
    height: number;
    rowPixelSpacing?: number;
    columnPixelSpacing?: number;
    windowWidth?: number | number[];
    windowCenter?: number | number[];
  }
  export interface EnabledElement {
    element: HTMLElement;
    image?: Image;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
  }
  export type MetadataProvider = (type: string, imageId: string) => unknown;
  export interface ImageLoadObject {
    promise: Promise<Image>;
    cancelFn?: () => void;
  }
  export function registerImageLoader(scheme: string, loader: (imageId: string) => ImageLoadObject): void;
  export function enable(element: HTMLElement, options?: Record<string, unknown>): void;
  export function getEnabledElements(): EnabledElement[];
  export const events: EventTarget;
  export function triggerEvent(target: EventTarget, type: string, detail?: unknown): boolean;
  export function disable(element: HTMLElement): void;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function loadAndCacheImage(imageId: string, options?: Record<string, unknown>): Promise<Image>;
  export function displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
  export function reset(element: HTMLElement): void;
  export function resize(element: HTMLElement, forceFitToWindow?: boolean): void;
  export function fitToWindow(element: HTMLElement): void;
  export function updateImage(element: HTMLElement): void;
  /** draws the image into a plain canvas at once, fitted, with the image's own VOI unless a viewport says otherwise */
  export function renderToCanvas(canvas: HTMLCanvasElement, image: Image, viewport?: Partial<Viewport>): void;
  export const metaData: {
    addProvider(provider: MetadataProvider, priority?: number): void;
    removeProvider(provider: MetadataProvider): void;
    get(type: string, imageId: string): any;
  };
  export const imageCache: {
    purgeCache(): void;
    setMaximumSizeBytes(bytes: number): void;
    /** the image's load, finished or under way; undefined when it is not in the cache */
    getImageLoadObject(imageId: string): { promise: Promise<Image> } | undefined;
  };
  export const EVENTS: { IMAGE_RENDERED: string; NEW_IMAGE: string; IMAGE_LOAD_FAILED: string; ELEMENT_ENABLED: string };
}

declare module 'cornerstone-tools' {
  export type ToolClass = new (...args: any[]) => unknown;
  /** a tool instance as registered on an element; the annotation tools compute their statistics with updateCachedStats */
  export interface ToolInstance {
    name: string;
    updateCachedStats?(image: import('cornerstone-core').Image, element: HTMLElement, data: unknown): void;
  }
  export const external: { cornerstone: unknown; cornerstoneMath: unknown; Hammer: unknown };
  export function init(config?: Record<string, unknown>): void;
  export const toolColors: { setToolColor(color: string): void; setActiveColor(color: string): void };
  export function addToolForElement(element: HTMLElement, tool: ToolClass, props?: Record<string, unknown>): void;
  export function setToolActiveForElement(element: HTMLElement, toolName: string, options: Record<string, unknown>): void;
  export function setToolPassiveForElement(element: HTMLElement, toolName: string, options?: Record<string, unknown>): void;
  export function addStackStateManager(element: HTMLElement, toolNames: string[]): void;
  export function addToolState(element: HTMLElement, toolName: string, data: unknown): void;
  export function clearToolState(element: HTMLElement, toolName: string): void;
  export function getToolState(element: HTMLElement, toolName: string): { data: any[] } | undefined;
  export function removeToolState(element: HTMLElement, toolName: string, data: unknown): void;
  export function getToolForElement(element: HTMLElement, toolName: string): ToolInstance | undefined;
  /** annotations are kept per image id, in this one global manager */
  export const globalImageIdSpecificToolStateManager: {
    clearImageIdToolState(imageId: string): void;
    /** every image id's annotations: { [imageId]: { [toolName]: { data: [...] } } } (the manager's own object) */
    saveToolState(): Record<string, unknown>;
    restoreImageIdToolState(imageId: string, state: unknown): void;
  };
  export function importInternal(path: 'util/scrollToIndex'): (element: HTMLElement, index: number) => void;
  export const WwwcTool: ToolClass;
  export const ZoomTool: ToolClass;
  export const PanTool: ToolClass;
  export const LengthTool: ToolClass;
  export const AngleTool: ToolClass;
  export const EllipticalRoiTool: ToolClass;
  export const RectangleRoiTool: ToolClass;
  export const ArrowAnnotateTool: ToolClass;
  export const TextMarkerTool: ToolClass;
  export const StackScrollMouseWheelTool: ToolClass;
  export const EVENTS: { MEASUREMENT_COMPLETED: string; MEASUREMENT_MODIFIED: string };
}

declare module 'cornerstone-math' {
  const cornerstoneMath: unknown;
  export default cornerstoneMath;
}

declare module 'hammerjs' {
  const Hammer: unknown;
  export default Hammer;
}

declare module 'cornerstone-wado-image-loader' {
  import type { MetadataProvider } from 'cornerstone-core';
  interface DataSet {
    string(tag: string, index?: number): string | undefined;
    floatString(tag: string, index?: number): number | undefined;
    intString(tag: string, index?: number): number | undefined;
  }
  const loader: {
    external: { cornerstone: unknown; dicomParser: unknown };
    configure(options: { beforeSend?: (xhr: XMLHttpRequest) => void; strict?: boolean }): void;
    webWorkerManager: {
      initialize(config: Record<string, unknown>): void;
      addTask(type: string, data: unknown, priority?: number, transferList?: Transferable[]): { taskId: number; promise: Promise<unknown> };
    };
    wadouri: {
      metaData: { metaDataProvider: MetadataProvider };
      dataSetCacheManager: { get(uri: string): DataSet | undefined; purge(): void };
      parseImageId(imageId: string): { scheme: string; url: string; frame?: number };
      /** `loader`: fetches the file's bytes instead of the loader's own XMLHttpRequest */
      loadImage(
        imageId: string,
        options?: { loader?: (url: string, imageId: string) => Promise<ArrayBuffer> },
      ): import('cornerstone-core').ImageLoadObject;
    };
  };
  export default loader;
}
