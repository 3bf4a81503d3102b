import { z } from "zod";

export const PASSWORD_MIN = 10;

export const emailSchema = z
  .string({ message: "Email is required." })
  .trim()
  .toLowerCase()
  .min(1, "Email is required.")
  .max(254, "Email can be at most 254 characters.")
  .pipe(z.email({ message: "Enter an email address like name@example.com." }));

export const signUpSchema = z.object({
  name: z.string({ message: "Name is required." }).trim().min(1, "Name is required.").max(100, "Name can be at most 100 characters."),
  email: emailSchema,
  password: z
    .string({ message: "Password is required." })
    .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
    .max(200, "Password can be at most 200 characters."),
});
export type SignUpInput = z.input<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Password is required.").max(200),
});
