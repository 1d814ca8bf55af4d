// A page of a keyset-paginated list: the items and an opaque cursor to the next page.
import { z } from "zod";

export const Page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() }).meta({ id: name });

