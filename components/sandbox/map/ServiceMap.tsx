'use client';

import '@xyflow/react/dist/style.css';
import { Background, Controls, ReactFlow, applyNodeChanges, type Edge, type NodeChange, type NodeTypes, type EdgeTypes } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CLIENT } from '@/simulator';
import { useSim } from '../state/SimProvider';
import { LinkEdge } from './LinkEdge';
import { ClientNode, ServiceNode } from './ServiceNode';
import { toFlow, type FlowNode, type LinkFlowEdge } from './toFlow';
import styles from './ServiceMap.module.css';

// Declared outside any component: a new object per render would remount every node.
const nodeTypes: NodeTypes = { service: ServiceNode, client: ClientNode };
const edgeTypes: EdgeTypes = { link: LinkEdge };
const PRO_OPTIONS = { hideAttribution: true };
const FIT_VIEW_OPTIONS = { padding: 0.08 };

/** The live service map: services with their stores, links with messages moving in virtual time. */
export function ServiceMap() {
  const input = useSim(
    useShallow((s) => ({
      services: s.services,
      statuses: s.statuses,
      network: s.network,
      observed: s.fold.links,
      topology: s.topology,
      inFlight: s.inFlight,
      sagas: s.fold.sagas,
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
      inFlight: input.inFlight,
      sagas: Object.values(input.sagas),
      positions: input.positions,
      selectedService: input.selectedService,
      selectedLink: input.selectedLink,
    });
  }, [input]);

  // Reuse last frame's edge objects whose content did not change: memo()'d edges then skip
  // rendering, and only links carrying messages redraw each frame.
  const edgeCache = useRef(new Map<string, { json: string; edge: LinkFlowEdge }>());
  const edges = useMemo(() => {
    const cache = edgeCache.current;
    const next = new Map<string, { json: string; edge: LinkFlowEdge }>();
    const out = flow.edges.map((e) => {
      const json = JSON.stringify(e);
      const old = cache.get(e.id);
      const edge = old && old.json === json ? old.edge : e;
      next.set(e.id, { json, edge });
      return edge;
    });
    edgeCache.current = next;
    return out;
  }, [flow.edges]);

  // React Flow measures nodes and moves them while dragging: keep its local node state, and
  // merge each new toFlow output into it (keeping measurements and the position being dragged).
  const [nodes, setNodes] = useState<FlowNode[]>(flow.nodes);
  const dragging = useRef<string | null>(null);
  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return flow.nodes.map((n) => {
        const old = byId.get(n.id);
        if (!old) return n;
        // Same content: keep the object, so the memo()'d node does not re-render this frame.
        if (dragging.current !== n.id && old.position.x === n.position.x && old.position.y === n.position.y && JSON.stringify(old.data) === JSON.stringify(n.data)) return old;
        return { ...n, measured: old.measured, position: dragging.current === n.id ? old.position : n.position } as FlowNode;
      });
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
