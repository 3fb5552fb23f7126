import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { knowledgeArticleDecider, type KnowledgeArticleCommand } from './decider';
import type { KnowledgeArticleEvent } from './events';

const spec = deciderSpec(knowledgeArticleDecider);
const now = '2026-01-15T12:00:00.000Z';
const later = '2026-01-16T12:00:00.000Z';
const content = { title: ' Resetting your ONT ', content: 'Unplug it for ten seconds.', category: 'Technical', tags: ['ONT', 'reset', 'ont'] };
const create: KnowledgeArticleCommand = { type: 'CreateArticle', articleId: 'a1', content, publish: false, by: 'u1', now };
const created: KnowledgeArticleEvent = {
  type: 'KnowledgeArticleCreated',
  data: { articleId: 'a1', title: 'Resetting your ONT', content: 'Unplug it for ten seconds.', category: 'technical', tags: ['ont', 'reset'], authorId: 'u1', published: false, createdAt: now },
};

describe('Knowledge-base article decider', () => {
  it('creates a draft with its title, content, category and tags (normalised)', () => {
    spec.given([]).when(create).then([created]);
    spec.given([]).when({ ...create, publish: true }).then([{ ...created, data: { ...created.data, published: true } } as KnowledgeArticleEvent]);
  });

  it('refuses an empty title or content, and too many tags', () => {
    spec.given([]).when({ ...create, content: { ...content, title: ' ' } }).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['title']));
    spec.given([]).when({ ...create, content: { ...content, content: '' } }).thenThrows(ValidationError);
    spec.given([]).when({ ...create, content: { ...content, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }).thenThrows(ValidationError);
    spec.given([created]).when(create).thenThrows(IllegalStateError);
  });

  it('records only what an update changes', () => {
    spec
      .given([created])
      .when({ type: 'UpdateArticle', changes: { title: 'Resetting your ONT', content: 'Unplug it for thirty seconds.' }, by: 'u2', now: later })
      .then([{ type: 'KnowledgeArticleUpdated', data: { articleId: 'a1', changes: { content: 'Unplug it for thirty seconds.' }, previous: { content: 'Unplug it for ten seconds.' }, updatedBy: 'u2', updatedAt: later } }]);
    spec.given([created]).when({ type: 'UpdateArticle', changes: { tags: ['reset', 'ont'] }, by: 'u2', now: later }).thenNothing();
  });

  it('publishes once; an unknown article is not found', () => {
    const published: KnowledgeArticleEvent = { type: 'KnowledgeArticlePublished', data: { articleId: 'a1', publishedBy: 'u2', publishedAt: later } };
    spec.given([created]).when({ type: 'PublishArticle', by: 'u2', now: later }).then([published]);
    spec.given([created, published]).when({ type: 'PublishArticle', by: 'u2', now: later }).thenNothing();
    spec.given([]).when({ type: 'PublishArticle', by: 'u2', now: later }).thenThrows(NotFoundError);
  });
});
