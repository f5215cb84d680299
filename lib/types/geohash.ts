/**
 * Redis's geohash arithmetic: 52-bit interleaved hashes of longitude and
 * latitude (the scores of geo sets), box decoding, neighbours, the search
 * area estimate and haversine distances. The operations follow Redis's
 * geohash.c and geohash_helper.c step by step so that every double comes out
 * identical.
 *
 * @module
 */

/** Precision of stored hashes: 26 bits per coordinate. */
const GEO_STEP_MAX = 26;
/** Latitude limits of the Web Mercator projection Redis uses. */
export const GEO_LAT_MIN: number = -85.05112878;
/** Upper latitude limit. */
export const GEO_LAT_MAX = 85.05112878;
/** Longitude limits. */
export const GEO_LONG_MIN: number = -180;
/** Upper longitude limit. */
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const TWO_32 = 4294967296;

/** A hash of `step` bits per coordinate; bits/step 0 means "no box". */
export interface GeoHashBits {
  /** The interleaved hash bits (2 * step of them). */
  bits: number;
  /** Bits per coordinate. */
  step: number;
}

/** A coordinate interval. */
interface GeoRange {
  /** Lower end. */
  min: number;
  /** Upper end. */
  max: number;
}

/** The longitude and latitude intervals of a hash box. */
interface GeoArea {
  /** Longitude interval of the box. */
  longitude: GeoRange;
  /** Latitude interval of the box. */
  latitude: GeoRange;
}

function degRad(angle: number): number {
  return angle * D_R;
}

function radDeg(angle: number): number {
  return angle / D_R;
}

/** Spreads the 16 low bits of `v` to the even bits of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit word into 16 bits. */
function squash16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** Interleaves two 32-bit values: `x` on even bits, `y` on odd bits. */
function interleave64(x: number, y: number): number {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return hi * TWO_32 + lo;
}

/**
 * Splits an interleaved 64-bit value, given as its high and low 32-bit
 * halves, into [even bits, odd bits].
 */
function deinterleave64(hi: number, lo: number): [number, number] {
  const x = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const y = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** The ranges Redis encodes stored positions with. */
const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/**
 * Encodes a position with `step` bits per coordinate over the given ranges
 * (geohashEncode); null when the position is outside them.
 */
function geohashEncode(
  longRange: GeoRange,
  latRange: GeoRange,
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | null {
  if (
    longitude > 180 || longitude < -180 ||
    latitude > 85.05112878 || latitude < -85.05112878
  ) return null;
  if (
    latitude < latRange.min || latitude > latRange.max ||
    longitude < longRange.min || longitude > longRange.max
  ) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) /
    (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return {
    bits: interleave64(
      Math.trunc(latOffset) >>> 0,
      Math.trunc(longOffset) >>> 0,
    ),
    step,
  };
}

/** The 52-bit score of a position (GEOADD). */
export function geohashScore(longitude: number, latitude: number): number {
  const hash = geohashEncode(
    LONG_RANGE,
    LAT_RANGE,
    longitude,
    latitude,
    GEO_STEP_MAX,
  )!;
  return align52(hash);
}

/** The hash shifted to 52 bits (geohashAlign52Bits). */
function align52(hash: GeoHashBits): number {
  return hash.bits * 2 ** (52 - hash.step * 2);
}

/** The box a hash stands for (geohashDecode). */
function geohashDecode(
  longRange: GeoRange,
  latRange: GeoRange,
  hash: GeoHashBits,
): GeoArea {
  const [ilato, ilono] = deinterleave64(
    Math.floor(hash.bits / TWO_32),
    hash.bits % TWO_32,
  );
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const cells = 2 ** hash.step;
  return {
    latitude: {
      min: latRange.min + (ilato * 1.0 / cells) * latScale,
      max: latRange.min + ((ilato + 1) * 1.0 / cells) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono * 1.0 / cells) * longScale,
      max: longRange.min + ((ilono + 1) * 1.0 / cells) * longScale,
    },
  };
}

/**
 * The halves of C's (uint64_t) cast of a score as x86-64 code computes it:
 * negative values wrap, values out of range become 0 or 2^63.
 */
function scoreToUint64(score: number): [number, number] {
  if (score >= 2 ** 64 || Number.isNaN(score)) return [0, 0];
  if (score <= -(2 ** 63)) return [0x80000000, 0];
  const bits = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  return [Number(bits >> 32n), Number(bits & 0xffffffffn)];
}

/** A position: longitude `x`, latitude `y`. */
export interface GeoPosition {
  /** Longitude, in degrees. */
  x: number;
  /** Latitude, in degrees. */
  y: number;
}

/**
 * The position a stored score stands for (the centre of its box, clamped),
 * as [longitude, latitude].
 */
export function decodeScore(score: number): [number, number] {
  const position = { x: 0, y: 0 };
  decodeScoreTo(score, position);
  return [position.x, position.y];
}

/**
 * {@linkcode decodeScore} into `position`, allocating nothing: a search
 * decodes every candidate it walks.
 */
export function decodeScoreTo(score: number, position: GeoPosition): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 53) {
    hi = Math.floor(score / TWO_32);
    lo = Math.trunc(score) % TWO_32;
  } else [hi, lo] = scoreToUint64(score);
  const ilato = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const ilono = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  // The same operations, in the same order, as geohashDecode followed by
  // geohashDecodeAreaToLongLat, without building the area.
  const cells = 2 ** GEO_STEP_MAX;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const latMin = GEO_LAT_MIN + (ilato * 1.0 / cells) * latScale;
  const latMax = GEO_LAT_MIN + ((ilato + 1) * 1.0 / cells) * latScale;
  const longMin = GEO_LONG_MIN + (ilono * 1.0 / cells) * longScale;
  const longMax = GEO_LONG_MIN + ((ilono + 1) * 1.0 / cells) * longScale;
  let x = (longMin + longMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  position.x = x;
  position.y = y;
}

const GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** The standard 11-character geohash of a stored score (GEOHASH). */
export function standardGeohash(score: number): string {
  const [x, y] = decodeScore(score);
  const hash = geohashEncode(
    { min: -180, max: 180 },
    { min: -90, max: 90 },
    x,
    y,
    GEO_STEP_MAX,
  );
  const bits = BigInt(hash === null ? 0 : hash.bits);
  let out = "";
  for (let i = 0; i < 11; i++) {
    const index = i === 10
      ? 0
      : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEO_ALPHABET[index];
  }
  return out;
}

/** Distance in meters along a meridian. */
function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** The latitude (radians) whose cosine `cosine` holds. */
let cosineOf = 0;
let cosine = 1;

/** Haversine distance in meters (geohashGetDistance). */
export function geoDistance(
  lon1: number,
  lat1: number,
  lon2: number,
  lat2: number,
): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  // Searches measure from one centre many times: reuse its cosine.
  if (lat1r !== cosineOf) {
    cosineOf = lat1r;
    cosine = Math.cos(lat1r);
  }
  const a = u * u + cosine * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** A search shape: a circle (radius) or a box (width, height). */
export interface GeoShape {
  /** Centre longitude. */
  x: number;
  /** Centre latitude. */
  y: number;
  /** Meters per unit of the sizes. */
  conversion: number;
  /** Radius of a circle (BYRADIUS), in the shape's unit. */
  radius?: number;
  /** Width of a box (BYBOX), in the shape's unit. */
  width?: number;
  /** Height of a box (BYBOX), in the shape's unit. */
  height?: number;
}

/**
 * Distance from the shape's centre when (x, y) falls inside the shape, or
 * null when it does not.
 */
export function distanceIfInShape(
  shape: GeoShape,
  x: number,
  y: number,
): number | null {
  if (shape.radius !== undefined) {
    const limit = shape.radius * shape.conversion;
    // The meridian distance never exceeds the great-circle one, so points
    // too far north or south are dropped without trigonometry; the margin
    // keeps rounding from dropping a point the full formula would keep.
    if (latDistance(shape.y, y) > limit * (1 + 1e-9)) return null;
    const distance = geoDistance(shape.x, shape.y, x, y);
    return distance > limit ? null : distance;
  }
  const width = shape.width! * shape.conversion;
  const height = shape.height! * shape.conversion;
  if (latDistance(y, shape.y) > height / 2) return null;
  if (geoDistance(x, y, shape.x, y) > width / 2) return null;
  return geoDistance(shape.x, shape.y, x, y);
}

function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

const MASK_EVEN = 0x5555555555555555n;
const MASK_ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = 0xffffffffffffffffn;

function moveX(hash: GeoHashBits, d: number): void {
  let x = BigInt(hash.bits) & MASK_ODD;
  const y = BigInt(hash.bits) & MASK_EVEN;
  const zz = MASK_EVEN >> BigInt(64 - hash.step * 2);
  if (d > 0) x = (x + zz + 1n) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= MASK_ODD >> BigInt(64 - hash.step * 2);
  hash.bits = Number(x | y);
}

function moveY(hash: GeoHashBits, d: number): void {
  const x = BigInt(hash.bits) & MASK_ODD;
  let y = BigInt(hash.bits) & MASK_EVEN;
  const zz = MASK_ODD >> BigInt(64 - hash.step * 2);
  if (d > 0) y = (y + zz + 1n) & U64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= MASK_EVEN >> BigInt(64 - hash.step * 2);
  hash.bits = Number(x | y);
}

function neighbor(hash: GeoHashBits, dx: number, dy: number): GeoHashBits {
  const n = { bits: hash.bits, step: hash.step };
  if (dx !== 0) moveX(n, dx);
  if (dy !== 0) moveY(n, dy);
  return n;
}

/**
 * The boxes to search for a shape, in Redis's order: the centre box, then
 * north, south, east, west, north-east, north-west, south-east, south-west.
 * Boxes that cannot hold results are {bits: 0, step: 0}.
 */
export function searchBoxes(shape: GeoShape): GeoHashBits[] {
  const longitude = shape.x;
  const latitude = shape.y;
  const isCircle = shape.radius !== undefined;
  const height = shape.conversion *
    (isCircle ? shape.radius! : shape.height! / 2);
  const width = shape.conversion *
    (isCircle ? shape.radius! : shape.width! / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(
    width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)),
  );
  const longDeltaBottom = radDeg(
    width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)),
  );
  const southern = latitude < 0;
  const minLon = southern
    ? longitude - longDeltaBottom
    : longitude - longDeltaTop;
  const maxLon = southern
    ? longitude + longDeltaBottom
    : longitude + longDeltaTop;
  const minLat = latitude - latDelta;
  const maxLat = latitude + latDelta;

  let radiusMeters = isCircle ? shape.radius! : Math.sqrt(
    (shape.width! / 2) * (shape.width! / 2) +
      (shape.height! / 2) * (shape.height! / 2),
  );
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, latitude);
  let hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps)!;
  let neighbors = allNeighbors(hash);
  let area = geohashDecode(LONG_RANGE, LAT_RANGE, hash);

  const north = geohashDecode(LONG_RANGE, LAT_RANGE, neighbors.north);
  const south = geohashDecode(LONG_RANGE, LAT_RANGE, neighbors.south);
  const east = geohashDecode(LONG_RANGE, LAT_RANGE, neighbors.east);
  const west = geohashDecode(LONG_RANGE, LAT_RANGE, neighbors.west);
  const decrease = north.latitude.max < maxLat ||
    south.latitude.min > minLat || east.longitude.max < maxLon ||
    west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps)!;
    neighbors = allNeighbors(hash);
    area = geohashDecode(LONG_RANGE, LAT_RANGE, hash);
  }
  const zero = () => ({ bits: 0, step: 0 });
  if (steps >= 2) {
    if (area.latitude.min < minLat) {
      neighbors.south = zero();
      neighbors.southWest = zero();
      neighbors.southEast = zero();
    }
    if (area.latitude.max > maxLat) {
      neighbors.north = zero();
      neighbors.northEast = zero();
      neighbors.northWest = zero();
    }
    if (area.longitude.min < minLon) {
      neighbors.west = zero();
      neighbors.southWest = zero();
      neighbors.northWest = zero();
    }
    if (area.longitude.max > maxLon) {
      neighbors.east = zero();
      neighbors.southEast = zero();
      neighbors.northEast = zero();
    }
  }
  return [
    hash,
    neighbors.north,
    neighbors.south,
    neighbors.east,
    neighbors.west,
    neighbors.northEast,
    neighbors.northWest,
    neighbors.southEast,
    neighbors.southWest,
  ];
}

function allNeighbors(hash: GeoHashBits) {
  return {
    east: neighbor(hash, 1, 0),
    west: neighbor(hash, -1, 0),
    south: neighbor(hash, 0, -1),
    north: neighbor(hash, 0, 1),
    northWest: neighbor(hash, -1, 1),
    southWest: neighbor(hash, -1, -1),
    northEast: neighbor(hash, 1, 1),
    southEast: neighbor(hash, 1, -1),
  };
}
