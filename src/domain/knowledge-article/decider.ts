import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import type { ArticleContent, KnowledgeArticleEvent } from './events';

export interface KnowledgeArticleState {
  exists: boolean;
  articleId: string;
  published: boolean;
  content: ArticleContent | null;
}

export type KnowledgeArticleCommand =
  | { type: 'CreateArticle'; articleId: string; content: ArticleContent; publish: boolean; by: string; now: string }
  | { type: 'UpdateArticle'; changes: Partial<ArticleContent>; by: string; now: string }
  | { type: 'PublishArticle'; by: string; now: string };

export const initialKnowledgeArticleState = (): KnowledgeArticleState => ({ exists: false, articleId: '', published: false, content: null });

export function evolveKnowledgeArticle(state: KnowledgeArticleState, event: KnowledgeArticleEvent): KnowledgeArticleState {
  switch (event.type) {
    case 'KnowledgeArticleCreated': {
      const { articleId, published, title, content, category, tags } = event.data;
      return { exists: true, articleId, published, content: { title, content, category, tags } };
    }
    case 'KnowledgeArticleUpdated':
      return { ...state, content: { ...state.content!, ...event.data.changes } };
    case 'KnowledgeArticlePublished':
      return { ...state, published: true };
  }
}

export const LIMITS = { title: 200, content: 100_000, category: 50, tags: 20, tag: 40 } as const;

function check(c: ArticleContent): void {
  const errors: FieldErrors = {};
  if (c.title.trim() === '' || c.title.length > LIMITS.title) errors.title = [`The title must be 1 to ${LIMITS.title} characters.`];
  if (c.content.trim() === '' || c.content.length > LIMITS.content) errors.content = [`The content must be 1 to ${LIMITS.content} characters.`];
  if (c.category.trim() === '' || c.category.length > LIMITS.category) errors.category = [`The category must be 1 to ${LIMITS.category} characters.`];
  if (c.tags.length > LIMITS.tags || c.tags.some((t) => t.trim() === '' || t.length > LIMITS.tag)) errors.tags = [`Up to ${LIMITS.tags} tags of 1 to ${LIMITS.tag} characters.`];
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

const normalise = (c: ArticleContent): ArticleContent => ({ title: c.title.trim(), content: c.content, category: c.category.trim().toLowerCase(), tags: [...new Set(c.tags.map((t) => t.trim().toLowerCase()))].sort() });

export function decideKnowledgeArticle(command: KnowledgeArticleCommand, state: KnowledgeArticleState): KnowledgeArticleEvent[] {
  if (command.type === 'CreateArticle') {
    if (state.exists) throw new IllegalStateError('Article already exists');
    check(command.content);
    return [{ type: 'KnowledgeArticleCreated', data: { articleId: command.articleId, ...normalise(command.content), authorId: command.by, published: command.publish, createdAt: command.now } }];
  }
  if (!state.exists) throw new NotFoundError('Article', state.articleId);
  if (command.type === 'PublishArticle') {
    if (state.published) return [];
    return [{ type: 'KnowledgeArticlePublished', data: { articleId: state.articleId, publishedBy: command.by, publishedAt: command.now } }];
  }
  const current = state.content!;
  const next = normalise({ ...current, ...Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined)) } as ArticleContent);
  check(next);
  const changes: Partial<ArticleContent> = {};
  const previous: Partial<ArticleContent> = {};
  for (const k of ['title', 'content', 'category', 'tags'] as const) {
    if (JSON.stringify(next[k]) !== JSON.stringify(current[k])) {
      (changes as Record<string, unknown>)[k] = next[k];
      (previous as Record<string, unknown>)[k] = current[k];
    }
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'KnowledgeArticleUpdated', data: { articleId: state.articleId, changes, previous, updatedBy: command.by, updatedAt: command.now } }];
}

export const knowledgeArticleDecider: Decider<KnowledgeArticleState, KnowledgeArticleCommand, KnowledgeArticleEvent> = {
  initialState: initialKnowledgeArticleState,
  evolve: evolveKnowledgeArticle,
  decide: decideKnowledgeArticle,
};
