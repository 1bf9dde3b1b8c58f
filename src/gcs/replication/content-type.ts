import * as path from 'path';

/**
 * Cache-Control header of every replicated object. Postiz gives each upload a new name of 32 random
 * hex characters, so caches may keep an object for a year.
 */
export const UPLOAD_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Content type of objects whose extension is not in `UPLOAD_CONTENT_TYPES`. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Content type by lowercase file extension, for the image and video formats that Postiz stores. */
export const UPLOAD_CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp4: 'video/mp4',
};

/** Returns the content type for an object key or file name, from its extension. */
export function contentTypeFor(fileName: string): string {
  const extension = path.extname(fileName).slice(1).toLowerCase();
  return UPLOAD_CONTENT_TYPES[extension] ?? DEFAULT_CONTENT_TYPE;
}
