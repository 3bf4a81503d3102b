import { withBearer } from "@/lib/api/handler";
import { ApiError, json } from "@/lib/api/responses";
import { meView } from "@/lib/api/views";
import { findUser } from "@/lib/users/service";

export const GET = withBearer(null, async ({ token }) => {
  const owner = await findUser(token.userId);
  // Deleting an account deletes its tokens; this is only the moment in between.
  if (!owner) throw new ApiError(401, "invalid_token", "This token's owner no longer exists.");
  return json(meView(token, owner));
});
