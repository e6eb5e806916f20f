import type { ReactNode } from 'react';

/** A column heading; a numeric column is right-aligned, as its cells should be. */
export type Column = string | { header: string; numeric?: boolean };

/**
 * A data table as screen readers expect one: a caption that names it, column headings with their
 * scope, and the rows the page renders.
 */
export function Table({
  caption,
  columns,
  className,
  children,
}: {
  caption: string;
  columns: readonly Column[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={className}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => {
            const column = typeof c === 'string' ? { header: c } : c;
            return (
              <th key={column.header} scope="col" className={column.numeric ? 'num' : undefined}>
                {column.header}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
