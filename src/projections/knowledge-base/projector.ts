import type { KnowledgeArticleEvent } from '../../domain/knowledge-article';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { searchTokens } from '../customers/search';

export const KB_ARTICLES = 'kb_articles';

/** A knowledge-base article (`_id` its UUID), with the words of its title, category and tags for search. */
export interface KbArticleDoc extends Doc {
  title: string;
  content: string;
  category: string;
  tags: string[];
  status: 'draft' | 'published';
  author_id: string;
  published_at: string | null;
  search_tokens: string[];
  created_at: string;
  updated_at: string;
}

const tokens = (d: Pick<KbArticleDoc, 'title' | 'category' | 'tags'>) => searchTokens(d.title, d.category, ...d.tags);
const BY_CREATED = { created_at: -1, _id: -1 } as const;

export const knowledgeBaseProjector: Projector = {
  name: 'knowledge_base',
  handles: ['KnowledgeArticleCreated', 'KnowledgeArticleUpdated', 'KnowledgeArticlePublished'],
  collections: {
    [KB_ARTICLES]: [
      { keys: BY_CREATED },
      { keys: { status: 1, ...BY_CREATED } },
      { keys: { category: 1, ...BY_CREATED } },
      { keys: { status: 1, category: 1, ...BY_CREATED } },
      { keys: { tags: 1, ...BY_CREATED } },
      { keys: { search_tokens: 1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & KnowledgeArticleEvent;
    const col = ctx.collection<KbArticleDoc>(KB_ARTICLES);
    const id = event.data.articleId;
    switch (event.type) {
      case 'KnowledgeArticleCreated': {
        const d = event.data;
        await applyOnce(
          col,
          id,
          event.position,
          {
            $set: {
              title: d.title,
              content: d.content,
              category: d.category,
              tags: d.tags,
              status: d.published ? 'published' : 'draft',
              author_id: d.authorId,
              published_at: d.published ? d.createdAt : null,
              search_tokens: tokens(d),
              created_at: d.createdAt,
              updated_at: d.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'KnowledgeArticleUpdated': {
        const doc = await col.findOne({ _id: id });
        if (!doc) return;
        const next = { ...doc, ...event.data.changes };
        await applyOnce(col, id, event.position, { $set: { ...event.data.changes, search_tokens: tokens(next), updated_at: event.data.updatedAt } });
        return;
      }
      case 'KnowledgeArticlePublished':
        await applyOnce(col, id, event.position, { $set: { status: 'published', published_at: event.data.publishedAt, updated_at: event.data.publishedAt } });
        return;
    }
  },
};
