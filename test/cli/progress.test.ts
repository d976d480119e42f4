import { describe, expect, it } from 'vitest';
import { formatDuration, Progress, renderBar } from '../../src/cli/progress.js';

/** An output that records what is written, as a terminal or not. */
function output(isTTY: boolean): { isTTY: boolean; text: string; write(text: string): void } {
  return {
    isTTY,
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

describe('progress of long work', () => {
  it('redraws a bar with rate and ETA in place on a terminal', () => {
    let now = 0;
    const out = output(true);
    const progress = new Progress(out, 'import', 'events', 1000, () => now);
    now = 1000;
    progress.add(250);
    expect(out.text).toBe(
      `\r\x1b[2K${renderBar(0.25, 24)} import: 250/1000 events, 250 events/s, ETA 3s`,
    );
    now = 1050; // within 100 ms of the last draw: nothing more
    progress.add(10);
    expect(out.text.split('\r').length).toBe(2);
    now = 4000;
    progress.add(740);
    progress.finish();
    expect(out.text.endsWith('import: 1000/1000 events, 250 events/s, in 4s\n')).toBe(true);
    expect(out.text).toContain('[########################] 100%');
  });

  it('prints plain lines, at most every 2 seconds, when not a terminal', () => {
    let now = 0;
    const out = output(false);
    const progress = new Progress(out, 'copy', 'events', undefined, () => now);
    now = 500;
    progress.add(10);
    expect(out.text).toBe('');
    now = 2500;
    progress.add(40);
    expect(out.text).toBe('copy: 50 events, 20 events/s\n');
    now = 3000;
    progress.finish();
    expect(out.text).toBe('copy: 50 events, 20 events/s\ncopy: 50 events, 17 events/s, in 3s\n');
    expect(out.text).not.toContain('\r');
  });

  it('formats durations and bars', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(7_260_000)).toBe('2h01m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
    expect(renderBar(0.5, 10)).toBe('[#####-----]  50%');
    expect(renderBar(2, 4)).toBe('[####] 100%');
  });
});
