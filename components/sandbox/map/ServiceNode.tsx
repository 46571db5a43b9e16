'use client';

import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { ClientFlowNode, ServiceFlowNode } from './toFlow';
import styles from './ServiceMap.module.css';

const STATUS_TEXT = { up: 'up', down: 'crashed', paused: 'paused' } as const;
const STATUS_HINT = {
  up: null,
  down: 'Memory lost, store kept. Messages to it are dropped.',
  paused: 'Holding its messages until resumed.',
} as const;

/** Both handles sit at the centre: links are drawn centre to centre, under the node. */
function CentreHandles() {
  return (
    <>
      <Handle type="target" position={Position.Top} className={styles.handle} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} className={styles.handle} isConnectable={false} />
    </>
  );
}

function ServiceNodeView({ data }: NodeProps<ServiceFlowNode>) {
  const hint = STATUS_HINT[data.status];
  return (
    <div
      className={styles.node}
      data-service={data.name}
      data-status={data.status}
      data-selected={data.selected || undefined}
      data-active={data.activeStep ? data.activeStep.phase : undefined}
      data-testid={`service-node-${data.name}`}
    >
      <CentreHandles />
      <div className={styles.nodeHeader}>
        <span className={styles.nodeTitle}>{data.title}</span>
        <span className={styles.statusPill} data-status={data.status} data-testid={`service-status-${data.name}`}>
          {STATUS_TEXT[data.status]}
        </span>
      </div>
      <ul className={styles.stores} aria-label={`${data.title} stores`}>
        {data.stores.map((s) => (
          <li key={s.name} className={styles.storeChip} title={s.name}>
            {s.engineLabel}
          </li>
        ))}
      </ul>
      {hint && <p className={styles.nodeHint}>{hint}</p>}
      {/* Always there (empty when idle): a node that changes height makes React Flow measure it again. */}
      {data.activeStep ? (
        <p className={styles.activeStep} data-phase={data.activeStep.phase}>
          {data.activeStep.phase === 'compensation' ? '↩ compensating ' : '▶ '}
          {data.activeStep.step}
          <span className="visually-hidden"> for saga {data.activeStep.sagaId}</span>
        </p>
      ) : (
        <p className={styles.activeStep} data-empty aria-hidden="true">
          {'\u00a0'}
        </p>
      )}
      {data.stuck.map((s) => (
        <p key={s.sagaId} className={styles.stuck} role="note" title={s.reason}>
          <strong>Saga {s.sagaId} stuck:</strong> {s.reason}
        </p>
      ))}
    </div>
  );
}

function ClientNodeView({ data }: NodeProps<ClientFlowNode>) {
  return (
    <div className={styles.clientNode}>
      <CentreHandles />
      {data.title}
    </div>
  );
}

export const ServiceNode = memo(ServiceNodeView);
export const ClientNode = memo(ClientNodeView);
