// Types of images.mjs for the Workers pool tests.
export declare function crc32(bytes: ArrayLike<number>): number;
export declare function png(width: number, height: number, rgb?: [number, number, number]): Uint8Array;
export declare function exifWithGps(orientation?: number): number[];
export declare function jpeg(
  width: number,
  height: number,
  options?: { metadata?: boolean; orientation?: number },
): Uint8Array;
export declare function gif(width: number, height: number): Uint8Array;
export declare function webpHeader(width: number, height: number): Uint8Array;
export declare function containsText(haystack: ArrayLike<number>, needle: string): boolean;
