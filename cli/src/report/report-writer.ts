import { join } from 'node:path';
import { marked } from 'marked';
import { writeDirAtomic } from '@letters/contract/node';
import { writeFile, mkdir } from 'node:fs/promises';

export interface ReportImage {
  /** File name under `images/`. */
  name: string;
  png: Uint8Array;
  alt: string;
}

export interface ReportSection {
  title: string;
  /** Markdown body; images are referenced as `images/<name>`. */
  markdown: string;
  images?: readonly ReportImage[];
}

export interface Report {
  title: string;
  /** A warning shown at the top of every page, e.g. for synthetic data. */
  banner?: string;
  sections: readonly ReportSection[];
}

const STYLE = `
body { font: 15px/1.5 system-ui, 'DejaVu Sans', sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem; color: #1d232a; }
h1 { border-bottom: 2px solid #dfe3e8; padding-bottom: .3rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #dfe3e8; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #dfe3e8; padding: .3rem .6rem; text-align: left; }
th { background: #f5f7f9; }
img { max-width: 100%; border: 1px solid #eef0f2; }
code { background: #f5f7f9; padding: 0 .2rem; }
.banner { background: #fff4d6; border: 1px solid #e8c45c; padding: .8rem 1rem; font-weight: 600; }
nav ul { columns: 2; }
`;

function anchor(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function toMarkdown(report: Report): string {
  const parts = [`# ${report.title}`];
  if (report.banner) parts.push(`> **${report.banner}**`);
  parts.push(report.sections.map((s) => `- [${s.title}](#${anchor(s.title)})`).join('\n'));
  for (const section of report.sections) parts.push(`## ${section.title}\n\n${section.markdown.trim()}`);
  return `${parts.join('\n\n')}\n`;
}

function toHtml(report: Report): string {
  const banner = report.banner ? `<p class="banner">${report.banner}</p>` : '';
  const nav = `<nav><ul>${report.sections.map((s) => `<li><a href="#${anchor(s.title)}">${s.title}</a></li>`).join('')}</ul></nav>`;
  const body = report.sections
    .map((s) => `<h2 id="${anchor(s.title)}">${s.title}</h2>\n${marked.parse(s.markdown, { async: false })}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${report.title}</title><style>${STYLE}</style></head>
<body><h1>${report.title}</h1>${banner}${nav}${body}</body></html>
`;
}

/** Writes `index.md`, `index.html` and `images/` into `dir`, replacing an older report only when complete. */
export async function writeReport(dir: string, report: Report): Promise<{ markdown: string; html: string }> {
  await writeDirAtomic(dir, 'report', async (tmp) => {
    await mkdir(join(tmp, 'images'));
    for (const section of report.sections) {
      for (const image of section.images ?? []) await writeFile(join(tmp, 'images', image.name), image.png);
    }
    await writeFile(join(tmp, 'index.md'), toMarkdown(report));
    await writeFile(join(tmp, 'index.html'), toHtml(report));
  });
  return { markdown: join(dir, 'index.md'), html: join(dir, 'index.html') };
}
