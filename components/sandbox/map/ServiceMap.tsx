'use client';

import '@xyflow/react/dist/style.css';
import { Background, Controls, ReactFlow, applyNodeChanges, type Edge, type NodeChange, type NodeTypes, type EdgeTypes } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CLIENT } from '@/simulator';
import type { SagaView } from '../model';
import { useSandboxStore, useSim } from '../state/SimProvider';
import type { SandboxStore } from '../state/store';
import { LinkEdge } from './LinkEdge';
import { ClientNode, ServiceNode } from './ServiceNode';
import { toFlow, type FlowNode, type LinkFlowEdge } from './toFlow';
import styles from './ServiceMap.module.css';

// Declared outside any component: a new object per render would remount every node.
const nodeTypes: NodeTypes = { service: ServiceNode, client: ClientNode };
const edgeTypes: EdgeTypes = { link: LinkEdge };
const PRO_OPTIONS = { hideAttribution: true };
const FIT_VIEW_OPTIONS = { padding: 0.08 };

/**
 * What of the sagas the map shows (active steps, stuck sagas), as a string: the map redraws its
 * nodes and links only when this changes, not on every saga event of a busy run.
 */
const digests = new WeakMap<SandboxStore['fold'], string>();
function sagaDigest(s: SandboxStore): string {
  // Selectors run on every store update (every frame): compute once per fold.
  const cached = digests.get(s.fold);
  if (cached !== undefined) return cached;
  let out = '';
  for (const id of s.fold.sagaOrder) {
    const g = s.fold.sagas[id]!;
    if ((g.status === 'RUNNING' || g.status === 'COMPENSATING') && g.step !== null && g.activeService !== null) out += `${id}>${g.driver}>${g.activeService}>${g.step}>${g.phase};`;
    else if (g.status === 'STUCK') out += `${id}!${g.driver}!${g.reason};`;
  }
  digests.set(s.fold, out);
  return out;
}

/** The sagas the digest names (running with an active step, or stuck): all toFlow looks at. */
function mapSagas(s: SandboxStore): SagaView[] {
  const out: SagaView[] = [];
  for (const id of s.fold.sagaOrder) {
    const g = s.fold.sagas[id]!;
    if (((g.status === 'RUNNING' || g.status === 'COMPENSATING') && g.step !== null && g.activeService !== null) || g.status === 'STUCK') out.push(g);
  }
  return out;
}

function sameEdge(a: LinkFlowEdge, b: LinkFlowEdge): boolean {
  const x = a.data!;
  const y = b.data!;
  return (
    a.ariaLabel === b.ariaLabel &&
    a.selected === b.selected &&
    x.active === y.active &&
    x.activePhase === y.activePhase &&
    x.selected === y.selected &&
    x.link.cutAtoB === y.link.cutAtoB &&
    x.link.cutBtoA === y.link.cutBtoA &&
    x.link.tuned === y.link.tuned &&
    x.link.params.latencyMs === y.link.params.latencyMs &&
    x.link.params.dropRate === y.link.params.dropRate
  );
}

function sameNodeData(a: FlowNode, b: FlowNode): boolean {
  if (a.type !== b.type || a.ariaLabel !== b.ariaLabel) return false;
  if (a.type === 'client' || b.type === 'client') return a.data.title === b.data.title;
  const x = a.data;
  const y = b.data;
  return (
    x.title === y.title &&
    x.status === y.status &&
    x.selected === y.selected &&
    x.stores === y.stores &&
    x.activeStep?.sagaId === y.activeStep?.sagaId &&
    x.activeStep?.step === y.activeStep?.step &&
    x.activeStep?.phase === y.activeStep?.phase &&
    x.stuck.length === y.stuck.length &&
    x.stuck.every((s, i) => s.sagaId === y.stuck[i]!.sagaId && s.reason === y.stuck[i]!.reason)
  );
}

/** Keeps the previous array when every element is the same object (React Flow then has nothing to do). */
function sameElements<T>(prev: readonly T[], next: readonly T[]): boolean {
  return prev.length === next.length && prev.every((x, i) => x === next[i]);
}

/** The live service map: services with their stores, links with messages moving in virtual time. */
export function ServiceMap() {
  const store = useSandboxStore();
  const input = useSim(
    useShallow((s) => ({
      services: s.services,
      statuses: s.statuses,
      network: s.network,
      observed: s.fold.links,
      topology: s.topology,
      sagas: sagaDigest(s),
      positions: s.positions,
      selectedService: s.selectedService,
      selectedLink: s.selectedLink,
      runId: s.runId,
    })),
  );
  const selectService = useSim((s) => s.selectService);
  const selectLink = useSim((s) => s.selectLink);
  const moveNode = useSim((s) => s.moveNode);

  const flow = useMemo(() => {
    if (!input.network) return { nodes: [], edges: [] };
    const links = input.topology.length === 0 ? input.observed : [...new Set([...input.topology, ...input.observed])];
    return toFlow({
      services: input.services,
      statuses: input.statuses,
      network: input.network,
      links,
      // input.sagas (the digest) says when these changed.
      sagas: mapSagas(store.getState()),
      positions: input.positions,
      selectedService: input.selectedService,
      selectedLink: input.selectedLink,
    });
  }, [input, store]);

  // Reuse last frame's edge objects whose content did not change: memo()'d edges then skip
  // rendering, and only links carrying messages redraw each frame.
  const lastEdges = useRef<LinkFlowEdge[]>([]);
  const edges = useMemo(() => {
    const byId = new Map(lastEdges.current.map((e) => [e.id, e]));
    const out = flow.edges.map((e) => {
      const old = byId.get(e.id);
      return old && sameEdge(old, e) ? old : e;
    });
    if (sameElements(lastEdges.current, out)) return lastEdges.current;
    lastEdges.current = out;
    return out;
  }, [flow.edges]);

  // React Flow measures nodes and moves them while dragging: keep its local node state, and
  // merge each new toFlow output into it (keeping measurements and the position being dragged).
  const [nodes, setNodes] = useState<FlowNode[]>(flow.nodes);
  const dragging = useRef<string | null>(null);
  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      const merged = flow.nodes.map((n) => {
        const old = byId.get(n.id);
        if (!old) return n;
        // Same content: keep the object, so the memo()'d node does not re-render this frame.
        if (dragging.current !== n.id && old.position.x === n.position.x && old.position.y === n.position.y && sameNodeData(old, n)) return old;
        return { ...n, measured: old.measured, position: dragging.current === n.id ? old.position : n.position } as FlowNode;
      });
      return sameElements(prev, merged) ? prev : merged;
    });
  }, [flow.nodes]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    setNodes((nds) => applyNodeChanges(changes, nds));
  }, []);

  // Stable handlers: ReactFlow copies its props into its own store on every render.
  const onNodeDragStart = useCallback((_: unknown, n: FlowNode) => {
    dragging.current = n.id;
  }, []);
  const onNodeDragStop = useCallback(
    (_: unknown, n: FlowNode) => {
      dragging.current = null;
      moveNode(n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) });
    },
    [moveNode],
  );
  const onNodeClick = useCallback(
    (_: unknown, n: FlowNode) => {
      if (n.id !== CLIENT) selectService(n.id);
    },
    [selectService],
  );
  const onEdgeClick = useCallback((_: unknown, e: Edge) => selectLink(e.id), [selectLink]);
  const onPaneClick = useCallback(() => {
    selectService(null);
    selectLink(null);
  }, [selectService, selectLink]);

  return (
    <div className={styles.map} data-testid="service-map">
      <ReactFlow<FlowNode>
        key={input.runId === 0 ? 'empty' : `run-${input.services.map((s) => s.name).join(',')}`}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onPaneClick={onPaneClick}
        nodesConnectable={false}
        elementsSelectable
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.3}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
        aria-label="Service map"
      >
        <Background gap={18} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
      <Legend />
    </div>
  );
}

function Legend() {
  return (
    <ul className={styles.legend} aria-label="Legend">
      <li>
        <span className={`${styles.legendSwatch} ${styles.msgRequest}`} aria-hidden="true" /> request
      </li>
      <li>
        <span className={`${styles.legendSwatch} ${styles.msgReply}`} aria-hidden="true" /> reply
      </li>
      <li>
        <span className={`${styles.legendSwatch} ${styles.msgEvent}`} aria-hidden="true" /> event
      </li>
      <li>
        <span className={`${styles.legendSwatch} ${styles.msgCompensation}`} aria-hidden="true" /> compensation
      </li>
      <li>
        <span className={styles.legendCut} aria-hidden="true" /> cut link
      </li>
    </ul>
  );
}
