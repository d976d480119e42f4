/** A small SVG chart: bars (counts per interval) or a line (a measure over time). */

/** One point: its label on the x axis and its value. */
export interface Point {
  readonly label: string;
  readonly value: number;
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD = { top: 12, right: 12, bottom: 24, left: 44 };

/** A rounded maximum for the y axis (1, 2, 5, 10, 20, …). */
function niceMax(value: number): number {
  if (value <= 2) return 2;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** Draws `points` as bars or a line, with the y axis from 0 to a rounded maximum. */
export function Chart(props: {
  points: readonly Point[];
  kind: 'bar' | 'line';
  title: string;
  testId?: string;
}) {
  const { points, kind, title } = props;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = points.length === 0 ? innerW : innerW / points.length;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const x = (i: number) => PAD.left + i * step + step / 2;
  const every = Math.max(1, Math.ceil(points.length / 8));
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={title}
      data-testid={props.testId}
    >
      <title>{title}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * f)} y2={y(max * f)} />
          <text class="axis" x={PAD.left - 6} y={y(max * f) + 4} text-anchor="end">
            {Math.round(max * f)}
          </text>
        </g>
      ))}
      {kind === 'bar'
        ? points.map((p, i) => (
            <rect
              key={i}
              class="bar"
              x={PAD.left + i * step + step * 0.15}
              y={y(p.value)}
              width={step * 0.7}
              height={Math.max(0, PAD.top + innerH - y(p.value))}
            >
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
          ))
        : points.length > 0 && (
            <polyline
              class="line"
              points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')}
            />
          )}
      {points.map((p, i) =>
        i % every === 0 ? (
          <text key={`l${i}`} class="axis" x={x(i)} y={HEIGHT - 6} text-anchor="middle">
            {p.label}
          </text>
        ) : null,
      )}
    </svg>
  );
}
