import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Schemas } from '../../api/client';
import { formatNumber } from '../../format';
import { t } from '../../texts';

const c = t.dashboard.chart;
type Day = Schemas['FlowDay'];

/** The series, in colours that keep 4.5:1 against white (the same as the app's states). */
const series = [
  { key: 'created', label: c.created, stroke: '#1f4e79', fill: 'rgba(31, 78, 121, 0.12)' },
  { key: 'updated', label: c.updated, stroke: '#1d6b2f' },
  { key: 'failed', label: c.failed, stroke: '#a00018' },
] as const;

// Days are UTC days: a day's label must not shift into the reader's neighbouring day.
const dayLabel = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * A flow's documents per day as a line chart on a canvas, with what it shows in words for screen
 * readers and the same numbers as a table that anyone can open.
 */
export function DayChart({ flowId, days }: { flowId: string; days: Day[] }) {
  const box = useRef<HTMLDivElement>(null);
  // The page refreshes every few seconds; the chart is drawn again only when a number changed.
  const drawn = days.map((x) => `${x.date}:${x.created}:${x.updated}:${x.failed}`).join();
  useEffect(() => {
    const target = box.current;
    if (!target) return;
    const data: uPlot.AlignedData = [
      days.map((x) => dayStart(x.date)),
      ...series.map((s) => days.map((x) => x[s.key])),
    ];
    const chart = new uPlot(
      {
        width: Math.max(280, target.clientWidth),
        height: 180,
        legend: { show: false },
        cursor: { show: false },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [{ values: (_u, ticks) => ticks.map((v) => dayLabel.format(new Date(v * 1000))) }, {}],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            points: { show: false },
            ...('fill' in s ? { fill: s.fill } : {}),
          })),
        ],
      },
      data,
      target,
    );
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(280, target.clientWidth), height: 180 }),
    );
    resize.observe(target);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [drawn]);
  const total = (k: 'created' | 'updated' | 'failed') => days.reduce((n, x) => n + x[k], 0);
  const summary = c.summary(total('created'), total('updated'), total('failed'));
  const summaryId = `chart-summary-${flowId}`;
  return (
    <figure className="day-chart">
      <div ref={box} role="img" aria-label={c.label(flowId)} aria-describedby={summaryId} />
      <figcaption>
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.key}>
              <span className="swatch" data-series={s.key} /> {s.label}
            </li>
          ))}
        </ul>
        <p id={summaryId}>{summary}</p>
        <details>
          <summary>{c.table}</summary>
          <table>
            <caption>{c.caption(flowId)}</caption>
            <thead>
              <tr>
                <th scope="col">{c.day}</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((x) => (
                <tr key={x.date}>
                  <th scope="row">{dayLabel.format(new Date(dayStart(x.date) * 1000))}</th>
                  {series.map((s) => (
                    <td key={s.key} className="num">
                      {formatNumber(x[s.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
