// A flow drawn as a graph (dagre lays it out, the page draws SVG): steps as boxes, choices, fallbacks and
// hand-offs as labelled arrows; the call's current step highlighted and the steps it passed through marked.
import { Graph, layout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { FlowGraph, FlowProblem } from './api';
import { html } from './html';

const NODE_W = 150;
const NODE_H = 44;

interface Placed {
  nodes: { id: string; kind: string; label: string; x: number; y: number }[];
  edges: { from: string; to: string; label: string; field: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

function place(flow: FlowGraph): Placed {
  const g = new Graph<GraphLabel, NodeLabel, EdgeLabel & { label?: string }>({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 40, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of flow.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  flow.edges.forEach((e, i) => {
    if (g.hasNode(e.to)) g.setEdge(e.from, e.to, { label: e.label, width: e.label.length * 6, height: 14 }, `e${i}`);
  });
  layout(g);
  const graph = g.graph();
  return {
    nodes: flow.nodes.map((n) => {
      const p = g.node(n.id);
      return { ...n, x: p.x ?? 0, y: p.y ?? 0 };
    }),
    edges: flow.edges
      .map((e, i) => ({ ...e, points: g.edge({ v: e.from, w: e.to, name: `e${i}` })?.points ?? [] }))
      .filter((e) => e.points.length > 0),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}

export function FlowDiagram(props: { flow: FlowGraph; currentStep?: string; history: string[] }) {
  const placed = useMemo(() => place(props.flow), [props.flow]);
  const visited = new Set(props.history);
  const taken = new Set(props.history.slice(1).map((to, i) => `${props.history[i]}>${to}`));
  const truncate = (text: string) => (text.length > 24 ? `${text.slice(0, 23)}…` : text);
  return html`
    <svg
      class="flow-diagram"
      role="img"
      aria-label=${`Flow ${props.flow.name}${props.currentStep ? `, at step ${props.currentStep}` : ''}`}
      viewBox=${`0 0 ${placed.width} ${placed.height}`}
      width=${placed.width}
      height=${placed.height}
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" />
        </marker>
      </defs>
      ${placed.edges.map((e, i) => {
        const d = e.points.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
        const mid = e.points[Math.floor(e.points.length / 2)];
        const cls = `edge${taken.has(`${e.from}>${e.to}`) ? ' taken' : ''}${/fallback|onFail|onError/.test(e.field) ? ' fallback' : ''}`;
        return html`<g key=${`edge-${i}`} class=${cls}>
          <path d=${d} marker-end="url(#arrow)" />
          ${e.label ? html`<text x=${mid.x + 4} y=${mid.y - 3}>${e.label}</text>` : ''}
        </g>`;
      })}
      ${placed.nodes.map((n) => {
        const cls = `step kind-${n.kind}${visited.has(n.id) ? ' visited' : ''}${n.id === props.currentStep ? ' current' : ''}`;
        return html`<g
          key=${n.id}
          class=${cls}
          data-step=${n.id}
          aria-current=${n.id === props.currentStep ? 'step' : undefined}
          transform=${`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
        >
          <title>${n.label}</title>
          <rect width=${NODE_W} height=${NODE_H} rx="6" />
          <text x="8" y="17" class="step-name">${n.id}</text>
          <text x="8" y="34" class="step-label">${truncate(`${n.kind}: ${n.label}`)}</text>
        </g>`;
      })}
    </svg>
  `;
}

export function FlowPane(props: {
  flows: FlowGraph[];
  problems: FlowProblem[];
  flowName?: string;
  currentStep?: string;
  history: string[];
  onChoose: (name: string) => void;
}) {
  const flow = props.flows.find((f) => f.name === props.flowName) ?? props.flows[0];
  return html`
    <section class="pane flow" aria-labelledby="flow-title">
      <h2 id="flow-title">Flow</h2>
      ${
        props.problems.length
          ? html`<div class="flow-problems" role="alert">
              <p>The flow files have problems; fix them and reload:</p>
              <table>
                <thead>
                  <tr>
                    <th>File</th>
                    <th>Flow</th>
                    <th>Step</th>
                    <th>Field</th>
                    <th>Problem</th>
                  </tr>
                </thead>
                <tbody>
                  ${props.problems.map(
                    (p, i) =>
                      html`<tr key=${i}>
                        <td>${p.file ?? ''}</td>
                        <td>${p.flow ?? ''}</td>
                        <td>${p.step ?? ''}</td>
                        <td>${p.field ?? ''}</td>
                        <td>${p.message}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : ''
      }
      ${
        flow
          ? html`<label>
                Flow
                <select
                  name="flow"
                  value=${flow.name}
                  onChange=${(e: Event) => props.onChoose((e.target as HTMLSelectElement).value)}
                >
                  ${props.flows.map((f) => html`<option key=${f.name} value=${f.name}>${f.name}</option>`)}
                </select>
                <small>${flow.file}${flow.numbers.length ? ` · ${flow.numbers.join(', ')}` : ''}</small>
              </label>
              <div class="diagram-scroll">
                <${FlowDiagram}
                  flow=${flow}
                  currentStep=${flow.name === props.flowName ? props.currentStep : undefined}
                  history=${flow.name === props.flowName ? props.history : []}
                />
              </div>`
          : ''
      }
    </section>
  `;
}
