// A browser-side consumer: only the core entry, DOM lib, no Node types at all.
import { cosineSchedule, emd, makePoints, Rng } from 'thermodiff';

const rng = new Rng(1);
const data = new Float64Array(8);
for (let i = 0; i < data.length; i++) data[i] = rng.normal();
const p = makePoints(data, 4, 2);
const el: HTMLElement | null = document.querySelector('#w2');
if (el) el.textContent = String(emd(null, null, { kind: 'sqeuclidean', x: p, y: p }).cost + cosineSchedule(1).m(0.5));
