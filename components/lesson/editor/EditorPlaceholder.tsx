/** What shows while Monaco loads: the same code as plain text, same height, no JS. */
export function EditorPlaceholder({ code, height = 420 }: { code: string; height?: number }) {
  return (
    <div className="editor-placeholder" style={{ height }} aria-busy="true">
      <span className="editor-placeholder__status" role="status">
        Loading the editor…
      </span>
      <pre className="editor-placeholder__code">
        <code>{code}</code>
      </pre>
    </div>
  );
}
