import * as fs from 'fs';
import * as path from 'path';

// scripts/jsii-consumers.sh runs test/consumers/python/app.py with the built wheel, so the
// README's Python example must be that program, character for character.
const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const consumerApp = fs.readFileSync(path.join(ROOT, 'test', 'consumers', 'python', 'app.py'), 'utf8');

/** Returns the text of a level-2 section, from its heading to the next level-2 heading. */
function sectionText(markdown: string, heading: string): string | undefined {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) {
    return undefined;
  }
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** Returns the contents of every ```python code block in the text. */
function pythonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

describe('README Python example', () => {
  const usage = sectionText(readme, 'Usage');

  test('Usage section exists', () => {
    expect(usage).toBeDefined();
  });

  test('Usage has one Python block', () => {
    expect(pythonBlocks(usage ?? '')).toHaveLength(1);
  });

  test('equals the consumer app', () => {
    const [example] = pythonBlocks(usage ?? '');
    expect(example?.trim()).toEqual(consumerApp.trim());
  });
});
