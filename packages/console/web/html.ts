// Preact with htm: JSX-like templates as tagged strings, so the page needs no JSX compile step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
