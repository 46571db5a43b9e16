import { PLACEHOLDER_SERVICES } from './placeholderServices';

/**
 * A cheap skeleton of the sandbox (service map, controls, trace panel), drawn with HTML and
 * CSS only. Shown while the workspace's heavy parts (engine, PGlite, flow canvas, Monaco)
 * load; server-renderable so it is in the static HTML.
 */
export function ServiceMapPlaceholder({ message = 'Loading the sandbox…' }: { message?: string }) {
  return (
    <div className="sandbox-skeleton">
      <div className="sandbox-skeleton__toolbar" aria-hidden="true">
        <span className="skeleton-bar skeleton-bar--button" />
        <span className="skeleton-bar skeleton-bar--button" />
        <span className="skeleton-bar skeleton-bar--wide" />
      </div>

      <div className="sandbox-skeleton__body">
        <div className="service-map-skeleton">
          <p className="service-map-skeleton__status" role="status">
            <span className="spinner" aria-hidden="true" />
            {message}
          </p>
          <div className="network-zone">
            <ul className="service-map-skeleton__nodes" aria-label="Services">
              {PLACEHOLDER_SERVICES.map((service) => (
                <li key={service.id} className={`service-node-skeleton service-node-skeleton--${service.id}`}>
                  <span className="service-node-skeleton__name">{service.name}</span>
                  <span className="service-node-skeleton__stores">
                    {service.stores.map((store) => (
                      <span key={store} className="store-chip">
                        {store}
                      </span>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
            <span className="network-zone__label" aria-hidden="true">
              one simulated network: latency, drops, partitions
            </span>
          </div>
        </div>

        <div className="sandbox-skeleton__panel" aria-hidden="true">
          <span className="skeleton-bar skeleton-bar--title" />
          {[92, 74, 85, 60, 78, 68].map((width, i) => (
            <span key={i} className="skeleton-bar" style={{ width: `${width}%` }} />
          ))}
        </div>
      </div>
    </div>
  );
}
