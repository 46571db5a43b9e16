import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LESSONS } from '@/lessons/content';
import { LessonView } from '@/components/lesson/LessonView';

// Static export: every lesson page is generated at build; there is no server for others.
export const dynamicParams = false;

export function generateStaticParams() {
  return LESSONS.map((l) => ({ id: l.id }));
}

type Props = { params: Promise<{ id: string }> };

function findLesson(id: string) {
  return LESSONS.find((l) => l.id === id);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lesson = findLesson((await params).id);
  return lesson ? { title: lesson.title, description: lesson.summary } : {};
}

export default async function LessonPage({ params }: Props) {
  const { id } = await params;
  const lesson = findLesson(id);
  if (!lesson) notFound();
  const ordered = [...LESSONS].sort((a, b) => a.order - b.order);
  const i = ordered.findIndex((l) => l.id === lesson.id);
  return <LessonView lesson={lesson} prev={ordered[i - 1]} next={ordered[i + 1]} />;
}
