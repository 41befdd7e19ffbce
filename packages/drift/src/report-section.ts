/** One section of the weekly report, as data: Markdown, HTML and Slack render the same sections. */
export interface Section {
  title: string;
  header: string[];
  rows: string[][];
  note?: string;
}
