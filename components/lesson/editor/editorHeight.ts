/** Editor height (px): the longest file plus room to write, between 260 and 620. Shared by the editor and its placeholder. */
export function editorHeight(files: Array<{ value: string }>): number {
  const lines = Math.max(...files.map((f) => f.value.split('\n').length), 1);
  return Math.min(Math.max((lines + 8) * 19 + 16, 260), 620);
}
