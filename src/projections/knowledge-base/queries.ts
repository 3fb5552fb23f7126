import type { Filter, ReadStore } from '../../ports/read-store';
import { searchFilter } from '../customers/search';
import { KB_ARTICLES, type KbArticleDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export async function listArticles(
  readStore: ReadStore,
  q: { status?: 'draft' | 'published'; category?: string; tag?: string; search?: string; skip: number; limit: number },
): Promise<{ items: KbArticleDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.status) filter.status = q.status;
  if (q.category) filter.category = q.category.trim().toLowerCase();
  if (q.tag) filter.tags = q.tag.trim().toLowerCase();
  const search = q.search ? searchFilter(q.search) : null;
  if (search) Object.assign(filter, search);
  const col = readStore.collection<KbArticleDoc>(KB_ARTICLES);
  return pageWithTotal(col, filter, { sort: { created_at: -1, _id: -1 }, skip: q.skip, limit: q.limit });
}

export function getArticle(readStore: ReadStore, articleId: string): Promise<KbArticleDoc | null> {
  return readStore.collection<KbArticleDoc>(KB_ARTICLES).findOne({ _id: articleId });
}
