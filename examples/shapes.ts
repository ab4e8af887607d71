// Hole filling: try `diffcoder fill examples/shapes.ts`.
export interface Point {
  x: number;
  y: number;
}

export function distance(a: Point, b: Point): number {
  /*FILL*/
}

export function centroid(points: Point[]): Point {
  if (points.length === 0) {
    throw new Error('centroid of no points');
  }
  let x = 0;
  let y = 0;
  for (const p of points) {
    // FILL
  }
  return { x: x / points.length, y: y / points.length };
}
