import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';
import { type Block, type Inline, inlineText, parseMarkdown, slugify } from './markdown';

/**
 * Renders lesson Markdown as React elements. Server-renderable (no hooks).
 * `headingOffset` shifts heading levels so a lesson's `#` sits under the page's h1.
 */
export function Markdown({ source, headingOffset = 1 }: { source: string; headingOffset?: number }) {
  return <>{renderBlocks(parseMarkdown(source), headingOffset, 'b')}</>;
}

function renderBlocks(blocks: Block[], offset: number, key: string): ReactNode[] {
  return blocks.map((b, i) => renderBlock(b, offset, `${key}${i}`));
}

function renderBlock(b: Block, offset: number, key: string): ReactNode {
  switch (b.t) {
    case 'heading': {
      const level = Math.min(6, b.level + offset);
      const Tag = `h${level}` as 'h2';
      return (
        <Tag key={key} id={slugify(inlineText(b.children)) || undefined}>
          {renderInline(b.children, key)}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={key}>{renderInline(b.children, key)}</p>;
    case 'code':
      return (
        <pre key={key} className="md-code" data-lang={b.lang || undefined} tabIndex={0}>
          <code>{b.text}</code>
        </pre>
      );
    case 'list': {
      const items = b.items.map((item, k) => (
        <li key={k}>
          {/* A tight item is a single paragraph: render it without the <p> margin. */}
          {item.length === 1 && item[0]!.t === 'paragraph'
            ? renderInline(item[0]!.children, `${key}-${k}`)
            : renderBlocks(item, offset, `${key}-${k}-`)}
        </li>
      ));
      return b.ordered ? (
        <ol key={key} start={b.start !== 1 ? b.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={key}>{renderBlocks(b.children, offset, `${key}-`)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'table':
      return (
        <div key={key} className="md-table" tabIndex={0} role="region" aria-label="Table">
          <table>
            <thead>
              <tr>
                {b.head.map((cell, k) => (
                  <th key={k} style={b.align[k] ? { textAlign: b.align[k]! } : undefined}>
                    {renderInline(cell, `${key}h${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {b.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, k) => (
                    <td key={k} style={b.align[k] ? { textAlign: b.align[k]! } : undefined}>
                      {renderInline(cell, `${key}r${r}c${k}`)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}

function renderInline(nodes: Inline[], key: string): ReactNode[] {
  return nodes.map((n, i) => {
    const k = `${key}.${i}`;
    switch (n.t) {
      case 'text':
        return <Fragment key={k}>{n.text}</Fragment>;
      case 'code':
        return <code key={k}>{n.text}</code>;
      case 'strong':
        return <strong key={k}>{renderInline(n.children, k)}</strong>;
      case 'em':
        return <em key={k}>{renderInline(n.children, k)}</em>;
      case 'del':
        return <del key={k}>{renderInline(n.children, k)}</del>;
      case 'br':
        return <br key={k} />;
      case 'link':
        if (n.href.startsWith('/')) {
          return (
            <Link key={k} href={n.href}>
              {renderInline(n.children, k)}
            </Link>
          );
        }
        return (
          <a key={k} href={n.href} {...(/^https?:/.test(n.href) ? { rel: 'noreferrer', target: '_blank' } : {})}>
            {renderInline(n.children, k)}
          </a>
        );
    }
  });
}
